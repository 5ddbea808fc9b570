using System.Runtime.InteropServices;
using Google.Protobuf;
using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>Reads and builds initializer tensors (little-endian <c>raw_data</c>, as the ONNX IR specifies).</summary>
internal static class OnnxTensors
{
    public static bool IsFloat(TensorProto tensor) =>
        tensor.DataType == (int)TensorProto.Types.DataType.Float && tensor.DataLocation != TensorProto.Types.DataLocation.External;

    public static float[] ReadFloats(TensorProto tensor)
    {
        if (!IsFloat(tensor))
        {
            throw new InvalidDataException($"initializer '{tensor.Name}' is not an embedded float tensor");
        }

        if (!tensor.RawData.IsEmpty)
        {
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return tensor.FloatData.ToArray();
    }

    public static TensorProto Float(string name, IEnumerable<long> dims, ReadOnlySpan<float> values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Float,
        Dims = { dims },
        RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)),
    };

    public static TensorProto Int8(string name, IEnumerable<long> dims, ReadOnlySpan<sbyte> values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Int8,
        Dims = { dims },
        RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)),
    };

    public static TensorProto UInt8(string name, IEnumerable<long> dims, ReadOnlySpan<byte> values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Uint8,
        Dims = { dims },
        RawData = ByteString.CopyFrom(values),
    };

    public static TensorProto Int64(string name, IEnumerable<long> dims, ReadOnlySpan<long> values) => new()
    {
        Name = name,
        DataType = (int)TensorProto.Types.DataType.Int64,
        Dims = { dims },
        RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)),
    };

    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (a, d) => a * d);

    public static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long IntAttribute(NodeProto node, string name, long fallback) => Attribute(node, name) is { } a ? a.I : fallback;

    public static float FloatAttribute(NodeProto node, string name, float fallback) => Attribute(node, name) is { } a ? a.F : fallback;

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
