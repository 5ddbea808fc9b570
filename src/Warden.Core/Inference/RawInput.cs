using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>An input tensor as the client sent it, before it is checked against the model's signature.</summary>
/// <remarks>Data comes in one of three forms: an array already typed as the declared datatype (<see cref="Values"/>: JSON data
/// the request reader could read before knowing the model, and gRPC's typed contents), the JSON text of the <c>data</c> value
/// (<see cref="Json"/>: data the reader left to the binder, which refuses it with the reason) or raw bytes
/// (<see cref="Binary"/>: the binary tensor data extension and gRPC's <c>raw_input_contents</c>). The binder checks each
/// against the signature the same way.</remarks>
public sealed record RawInput(string Name, long[] Shape, string Datatype, Dictionary<string, JsonElement>? Parameters)
{
    /// <summary>Raw little-endian data (see <see cref="Tensors.TensorBytes"/>).</summary>
    public ReadOnlyMemory<byte>? Binary { get; init; }

    /// <summary>Flattened values typed as the declared datatype, as many as the shape needs.</summary>
    public Array? Values { get; init; }

    /// <summary>UTF-8 JSON text of the <c>data</c> value, read by the binder once the model's signature is known.</summary>
    public ReadOnlyMemory<byte>? Json { get; init; }
}
