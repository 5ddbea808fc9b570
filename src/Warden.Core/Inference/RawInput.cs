using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>An input tensor as the client sent it, before it is checked against the model's signature.</summary>
/// <remarks>Data comes in one of three forms: JSON (<see cref="Data"/>), raw bytes (<see cref="Binary"/>: the binary tensor
/// data extension and gRPC's <c>raw_input_contents</c>) or an array already typed as the declared datatype
/// (<see cref="Values"/>: gRPC's typed contents). The binder checks each against the signature the same way.</remarks>
public sealed record RawInput(string Name, long[] Shape, string Datatype, JsonElement Data, Dictionary<string, JsonElement>? Parameters)
{
    /// <summary>Raw little-endian data (see <see cref="Tensors.TensorBytes"/>); when set, <see cref="Data"/> is not read.</summary>
    public ReadOnlyMemory<byte>? Binary { get; init; }

    /// <summary>Flattened values typed as the declared datatype; when set, <see cref="Data"/> is not read.</summary>
    public Array? Values { get; init; }
}
