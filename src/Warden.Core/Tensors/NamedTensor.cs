namespace Warden.Core.Tensors;

/// <summary>
/// A tensor with a name: the flattened, row-major values in a typed array (<c>float[]</c> for FP32, <c>string[]</c> for BYTES,
/// <see cref="Half"/>[] for FP16, and so on).
/// </summary>
public sealed record NamedTensor(string Name, TensorDatatype Datatype, long[] Shape, Array Data)
{
    /// <summary>Reads element <paramref name="index"/> as a double (booleans as 0/1; NaN for strings).</summary>
    public double GetDouble(int index) => Datatype switch
    {
        TensorDatatype.Fp32 => ((float[])Data)[index],
        TensorDatatype.Fp64 => ((double[])Data)[index],
        TensorDatatype.Int64 => ((long[])Data)[index],
        TensorDatatype.Int32 => ((int[])Data)[index],
        TensorDatatype.Int16 => ((short[])Data)[index],
        TensorDatatype.Int8 => ((sbyte[])Data)[index],
        TensorDatatype.UInt8 => ((byte[])Data)[index],
        TensorDatatype.UInt16 => ((ushort[])Data)[index],
        TensorDatatype.UInt32 => ((uint[])Data)[index],
        TensorDatatype.UInt64 => ((ulong[])Data)[index],
        TensorDatatype.Bool => ((bool[])Data)[index] ? 1 : 0,
        TensorDatatype.Fp16 => (double)((Half[])Data)[index],
        _ => double.NaN,
    };
}
