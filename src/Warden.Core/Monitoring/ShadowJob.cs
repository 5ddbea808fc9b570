using Warden.Core.Tensors;

namespace Warden.Core.Monitoring;

/// <summary>A production request copied to the shadow version.</summary>
public sealed record ShadowJob(string Model, string Version, string Id, string KeyId, NamedTensor[] Inputs, IReadOnlyDictionary<string, string>? Sensitive);
