namespace Warden.Training.Mitigation;

/// <summary>Before/after comparison written as <c>mitigation.json</c> and <c>mitigation.md</c> next to the model.</summary>
public sealed record MitigationReport
{
    /// <summary>Mitigation applied (kebab-case CLI name).</summary>
    public required string Mitigation { get; init; }

    /// <summary>Fairness constraint targeted (<c>demographic-parity</c> / <c>equalized-odds</c>).</summary>
    public required string Constraint { get; init; }

    /// <summary>Label column and positive value, e.g. <c>deny = yes</c>.</summary>
    public string PositiveClass { get; init; } = "deny = yes";

    /// <summary>Sensitive column the groups come from (not a model input unless trained with --sensitive-as-feature).</summary>
    public string Attribute { get; init; } = HmdaDataset.SensitiveAttribute;

    /// <summary>Seed of the split, the learners and any sampling.</summary>
    public required int Seed { get; init; }

    /// <summary>Training rows.</summary>
    public required int TrainRows { get; init; }

    /// <summary>Hold-out rows every metric is computed on.</summary>
    public required int HoldoutRows { get; init; }

    /// <summary>The unmitigated logistic regression on the hold-out rows.</summary>
    public required MitigationMetrics Before { get; init; }

    /// <summary>The mitigated classifier on the hold-out rows (expected values when it is randomised).</summary>
    public required MitigationMetrics After { get; init; }

    /// <summary>In-sample: the mitigated classifier on its own training rows (what the constraint was fitted on); null in old reports.</summary>
    public MitigationMetrics? Training { get; init; }

    /// <summary>For a randomised result: the deterministic rule exported to ONNX, on the same rows; otherwise null.</summary>
    public MitigationMetrics? Served { get; init; }

    /// <summary>Folds of the stratified cross-validation behind <see cref="CrossValidated"/>; 0 when not run.</summary>
    public int CrossValidationFolds { get; init; }

    /// <summary>Out-of-fold metrics over all rows (each row scored by the models fitted without its fold): before, after and,
    /// for a randomised result, served; null when not run.</summary>
    public IReadOnlyList<MitigationMetrics>? CrossValidated { get; init; }

    /// <summary>In-sample metrics of each fold's mitigated classifier on the rows it was fitted on; null when not run.</summary>
    public IReadOnlyList<MitigationMetrics>? CrossValidatedTraining { get; init; }

    /// <summary>Method-specific facts (iterations, mixture weights, thresholds, …).</summary>
    public required IReadOnlyDictionary<string, string> Details { get; init; }
}
