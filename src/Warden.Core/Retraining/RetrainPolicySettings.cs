using Warden.Core.Monitoring;

namespace Warden.Core.Retraining;

/// <summary>
/// The <c>retrain-policy</c> settings document: opt-in automatic retraining of one model. Without it nothing is retrained
/// automatically; manual jobs may still name their training data.
/// </summary>
public sealed class RetrainPolicySettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "retrain-policy";

    /// <summary>
    /// CSV of labelled training data (the reference data of the model), absolute or relative to one of
    /// <see cref="RetrainingOptions.DataRoots"/>; the file must lie under one of them.
    /// </summary>
    public string? TrainingData { get; set; }

    /// <summary>Retrain on this schedule (duration such as <c>7d</c>); no schedule when null.</summary>
    public string? Interval { get; set; }

    /// <summary>Retrain when a <c>drift.alert</c> is raised for the model.</summary>
    public bool OnDriftAlert { get; set; }

    /// <summary>Retrain when this many labels (feedback and review decisions) arrived since the last job; off when null.</summary>
    public int? NewLabels { get; set; }

    /// <summary>Least time between two automatic jobs (duration).</summary>
    public string MinInterval { get; set; } = "1h";

    /// <summary>Use at most this many rows of the training CSV (seeded sample); all when null.</summary>
    public int? MaxTrainingRows { get; set; }

    /// <summary>Most labelled feedback rows added (newest are not preferred: the first rows logged are taken).</summary>
    public int MaxFeedbackRows { get; set; } = 50_000;

    /// <summary>Seed of the split and trainer.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// Example weight of every labelled feedback row in training (the file rows weigh 1). Recent labelled rows describe the
    /// regime the model now serves; weighting them lets the fit follow that regime while the file rows keep it anchored.
    /// 1 (the default) trains unweighted.
    /// </summary>
    public double FeedbackWeight { get; set; } = 1;

    /// <summary>Put the new staging version in shadow (<c>rollout</c> settings) when the job succeeds.</summary>
    public bool Shadow { get; set; }

    /// <summary>Whether any automatic trigger is configured.</summary>
    public bool HasTrigger => Interval is not null || OnDriftAlert || NewLabels is not null;

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(TrainingData))
        {
            problems.Add("trainingData is required: a labelled CSV such as hmda.csv under Warden:Retraining:DataRoots");
        }

        if (Interval is not null && !TimeWindow.TryParse(Interval, out _))
        {
            problems.Add($"interval '{Interval}' is not a duration such as 7d");
        }

        if (!TimeWindow.TryParse(MinInterval, out _))
        {
            problems.Add($"minInterval '{MinInterval}' is not a duration such as 1h");
        }

        if (NewLabels is < 1)
        {
            problems.Add("newLabels must be at least 1");
        }

        if (MaxTrainingRows is < 20)
        {
            problems.Add("maxTrainingRows must be at least 20");
        }

        if (MaxFeedbackRows < 0)
        {
            problems.Add("maxFeedbackRows must not be negative");
        }

        if (FeedbackWeightProblem(FeedbackWeight) is { } weight)
        {
            problems.Add(weight);
        }

        return problems;
    }

    /// <summary>Why <paramref name="weight"/> is not a usable feedback weight (finite, 1 to 1000), or null when it is.</summary>
    public static string? FeedbackWeightProblem(double weight) =>
        double.IsFinite(weight) && weight is >= 1 and <= 1000 ? null : $"feedbackWeight must be a finite number from 1 to 1000 (got {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
}
