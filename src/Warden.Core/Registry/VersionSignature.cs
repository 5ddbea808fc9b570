using System.Text.Json;
using Warden.Contracts.V2;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Registry;

/// <summary>The stored form of a version's signature: protocol tensor metadata for inputs and outputs.</summary>
public sealed class VersionSignature
{
    public List<TensorMetadata> Inputs { get; set; } = [];

    public List<TensorMetadata> Outputs { get; set; } = [];

    public static VersionSignature From(ModelSignature signature) => new()
    {
        Inputs = signature.Inputs.Select(ToMetadata).ToList(),
        Outputs = signature.Outputs.Select(ToMetadata).ToList(),
    };

    public static VersionSignature Parse(string json) => JsonSerializer.Deserialize(json, RegistryJson.Default.VersionSignature) ?? new VersionSignature();

    public string ToJson() => JsonSerializer.Serialize(this, RegistryJson.Default.VersionSignature);

    public static TensorMetadata ToMetadata(TensorSpec spec) =>
        new() { Name = spec.Name, Datatype = spec.Datatype.ToWire(), Shape = spec.Shape };
}
