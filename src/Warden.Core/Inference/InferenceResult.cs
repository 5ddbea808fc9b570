using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>What an inference produced, and the context that produced it.</summary>
public sealed record InferenceResult(string Model, string Version, string Id, NamedTensor[] Outputs, double LatencyMs, InferenceContext Context)
{
    /// <summary>
    /// Completes when the prediction record is committed to the log (at once when logging is off or asynchronous); a
    /// transport answers only after it, so an acknowledged prediction is a stored one.
    /// </summary>
    public Task Committed { get; init; } = Task.CompletedTask;
}
