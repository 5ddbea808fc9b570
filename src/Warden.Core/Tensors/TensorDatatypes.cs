using Microsoft.ML.OnnxRuntime.Tensors;

namespace Warden.Core.Tensors;

/// <summary>Conversions between protocol datatype names, <see cref="TensorDatatype"/> and ONNX element types.</summary>
public static class TensorDatatypes
{
    private static readonly string[] WireNames =
        ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES"];

    /// <summary>Protocol name of a datatype, e.g. <c>FP32</c>.</summary>
    public static string ToWire(this TensorDatatype datatype) => WireNames[(int)datatype];

    /// <summary>Parses a protocol datatype name (exact upper-case, as the protocol spells them).</summary>
    public static bool TryParse(string? wire, out TensorDatatype datatype)
    {
        var index = wire is null ? -1 : Array.IndexOf(WireNames, wire);
        datatype = index < 0 ? default : (TensorDatatype)index;
        return index >= 0;
    }

    /// <summary>All protocol datatype names, for error messages.</summary>
    public static string AllNames => string.Join(", ", WireNames);

    /// <summary>Maps an ONNX element type to the protocol datatype; null when the protocol has none (e.g. BFLOAT16).</summary>
    public static TensorDatatype? FromOnnx(TensorElementType type) => type switch
    {
        TensorElementType.Bool => TensorDatatype.Bool,
        TensorElementType.UInt8 => TensorDatatype.UInt8,
        TensorElementType.UInt16 => TensorDatatype.UInt16,
        TensorElementType.UInt32 => TensorDatatype.UInt32,
        TensorElementType.UInt64 => TensorDatatype.UInt64,
        TensorElementType.Int8 => TensorDatatype.Int8,
        TensorElementType.Int16 => TensorDatatype.Int16,
        TensorElementType.Int32 => TensorDatatype.Int32,
        TensorElementType.Int64 => TensorDatatype.Int64,
        TensorElementType.Float16 => TensorDatatype.Fp16,
        TensorElementType.Float => TensorDatatype.Fp32,
        TensorElementType.Double => TensorDatatype.Fp64,
        TensorElementType.String => TensorDatatype.Bytes,
        _ => null,
    };
}
