namespace Warden.Core.Predictions;

/// <summary>A record waiting in the <see cref="PredictionLog"/>, with the completion its request awaits (null when nobody waits).</summary>
internal readonly record struct QueuedPrediction(PredictionRecord Record, TaskCompletionSource? Commit);
