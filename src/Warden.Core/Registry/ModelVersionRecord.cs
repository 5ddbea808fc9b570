namespace Warden.Core.Registry;

/// <summary>A stored model version. <see cref="Sha256"/> addresses the immutable ONNX bytes in the blob store.</summary>
public sealed record ModelVersionRecord(
    string Model,
    string Version,
    string Sha256,
    long SizeBytes,
    string Stage,
    string DeployedBy,
    DateTimeOffset DeployedAt,
    string SignatureJson,
    string CardJson);
