namespace Warden.Core.Predictions;

/// <summary>
/// A record waiting in the <see cref="PredictionLog"/>, with the completion its request awaits (null when nobody waits).
/// <paramref name="Prepared"/>: the stored form was already made on the request's thread (<paramref name="Stored"/>, null
/// when the model's retention drops the record); otherwise the writer makes it.
/// </summary>
internal readonly record struct QueuedPrediction(PredictionRecord Record, TaskCompletionSource? Commit, StoredPrediction? Stored = null, bool Prepared = false);
