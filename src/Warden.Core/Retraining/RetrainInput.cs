using Warden.Contracts.Registry;

namespace Warden.Core.Retraining;

/// <summary>What a <see cref="ModelRetrainer"/> trains on.</summary>
/// <param name="Model">Model name.</param>
/// <param name="BaseVersion">Version being replaced (its card is the template of the new card), or null.</param>
/// <param name="BaseCard">Card of <paramref name="BaseVersion"/>, or null.</param>
/// <param name="TrainingDataPath">CSV of the reference/training data with labels.</param>
/// <param name="Feedback">Labelled feedback rows joined with their logged inputs.</param>
/// <param name="Seed">Seed of the split and the trainer.</param>
/// <param name="MaxRows">Use at most this many rows of the training CSV (a seeded sample), or all when null.</param>
/// <param name="FeedbackWeight">Example weight of each feedback row (file rows weigh 1); 1 trains unweighted.</param>
/// <param name="Log">Writes a line to the job's log.</param>
public sealed record RetrainInput(
    string Model, string? BaseVersion, ModelCard? BaseCard, string TrainingDataPath, IReadOnlyList<FeedbackRow> Feedback, int Seed, int? MaxRows,
    double FeedbackWeight, Action<string> Log);
