using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>What an inference produced, and the context that produced it.</summary>
public sealed record InferenceResult(string Model, string Version, string Id, NamedTensor[] Outputs, double LatencyMs, InferenceContext Context);
