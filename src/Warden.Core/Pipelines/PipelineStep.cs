namespace Warden.Core.Pipelines;

/// <summary>One step of a <see cref="PipelineDocument"/>; which fields apply depends on <see cref="Type"/>.</summary>
public sealed class PipelineStep
{
    /// <summary>Step name, unique in the pipeline; shown in <c>decided_by</c> and <c>rules_fired</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>rule</c>, <c>model</c>, <c>ensemble</c>, <c>threshold</c>, <c>fallback</c> or <c>review</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>rule, review: a boolean rule expression over the inputs, <c>sensitive.*</c>, and (after a model step) <c>score</c>, <c>confidence</c>, <c>margin</c>.</summary>
    public string? Condition { get; set; }

    /// <summary>rule: <c>decide</c> (final label, stop), <c>flag</c> (record and continue) or <c>review</c> (send to the review queue and continue).</summary>
    public string? Action { get; set; }

    /// <summary>rule (decide), fallback: the label decided.</summary>
    public string? Label { get; set; }

    /// <summary>model, fallback: a registered model name.</summary>
    public string? Model { get; set; }

    /// <summary>model, fallback: a version (the production version when null).</summary>
    public string? Version { get; set; }

    /// <summary>ensemble: members.</summary>
    public List<EnsembleMember> Members { get; set; } = [];

    /// <summary>ensemble: <c>mean</c> (weighted average of scores) or <c>vote</c> (weighted share of members scoring ≥ 0.5).</summary>
    public string? Method { get; set; }

    /// <summary>threshold: the default cut-off on the score.</summary>
    public double? Threshold { get; set; }

    /// <summary>threshold: per-group cut-offs, sensitive attribute → value → cut-off (e.g. post-processing for equalised odds).</summary>
    public Dictionary<string, Dictionary<string, double>> Groups { get; set; } = [];

    /// <summary>fallback: <c>failure</c>, <c>low-confidence</c> or <c>both</c> (default).</summary>
    public string? When { get; set; }

    /// <summary>fallback, review: act when the confidence (largest class probability) is below this.</summary>
    public double? MinConfidence { get; set; }

    /// <summary>review: <c>hold</c> or <c>advise</c> (default).</summary>
    public string? Mode { get; set; }

    /// <summary>review: reviewers who must agree (default 1).</summary>
    public int? ReviewersRequired { get; set; }
}
