namespace Warden.Core.Registry;

/// <summary>
/// A stored version. <see cref="Sha256"/> addresses the immutable artifact in the blob store: the ONNX bytes for a model,
/// the canonical JSON document for a pipeline (<see cref="Kind"/>).
/// </summary>
public sealed record ModelVersionRecord(
    string Model,
    string Version,
    string Sha256,
    long SizeBytes,
    string Stage,
    string DeployedBy,
    DateTimeOffset DeployedAt,
    string SignatureJson,
    string CardJson,
    string Kind = ModelKinds.Model);
