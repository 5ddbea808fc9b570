using Warden.Core.Monitoring;

namespace Warden.Core.Predictions;

/// <summary>
/// The <c>retention</c> settings document of a model: what its prediction log keeps and for how long. Without the document
/// the log keeps every prediction in full, for ever (the behaviour before retention existed).
/// </summary>
public sealed class RetentionPolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "retention";

    /// <summary>
    /// <c>full</c> (default): inputs, outputs and sensitive attributes as sent; <c>features</c>: the feature vector that
    /// monitoring reads, the outputs and the sensitive attributes, but not the request's input tensors (an image model's
    /// megabytes); <c>nothing</c>: the model's predictions are not logged at all.
    /// </summary>
    public string Keep { get; set; } = "full";

    /// <summary>Share of predictions logged, in (0, 1]; chosen by the prediction id, so a retried id is chosen the same way.</summary>
    public double SampleRate { get; set; } = 1;

    /// <summary>Delete predictions older than this (<c>30d</c>, <c>12h</c>); null keeps them regardless of age.</summary>
    public string? MaxAge { get; set; }

    /// <summary>Keep at most this many of the model's newest predictions.</summary>
    public long? MaxRecords { get; set; }

    /// <summary>Keep the newest predictions whose stored payloads (inputs, outputs, sensitive attributes) add up to at most this many bytes.</summary>
    public long? MaxBytes { get; set; }

    /// <summary>True when the prediction log should store nothing of the model.</summary>
    public bool KeepsNothing => Keep == "nothing";

    /// <summary>True when the pruning job has a limit to enforce.</summary>
    public bool HasLimits => MaxAge is not null || MaxRecords is not null || MaxBytes is not null;

    /// <summary>Whether the prediction <paramref name="predictionId"/> is logged under <see cref="Keep"/> and <see cref="SampleRate"/>.</summary>
    public bool Samples(string predictionId)
    {
        if (KeepsNothing)
        {
            return false;
        }

        if (SampleRate >= 1)
        {
            return true;
        }

        // FNV-1a over the id: stable across replicas and restarts, unlike a random draw.
        var hash = 2166136261u;
        foreach (var c in predictionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash / (double)uint.MaxValue < SampleRate;
    }

    /// <summary>Every problem with the document.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Keep is not ("full" or "features" or "nothing"))
        {
            problems.Add("'keep' must be 'full', 'features' or 'nothing'");
        }

        if (!(SampleRate > 0 && SampleRate <= 1))
        {
            problems.Add("'sampleRate' must be greater than 0 and at most 1");
        }

        if (MaxAge is not null && !TimeWindow.TryParse(MaxAge, out _))
        {
            problems.Add($"'maxAge' '{MaxAge}' is invalid: use a positive number with s, m, h or d (e.g. 30d)");
        }

        if (MaxRecords is < 1)
        {
            problems.Add("'maxRecords' must be at least 1");
        }

        if (MaxBytes is < 1)
        {
            problems.Add("'maxBytes' must be at least 1");
        }

        return problems;
    }
}
