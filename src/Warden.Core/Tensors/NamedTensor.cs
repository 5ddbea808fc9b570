namespace Warden.Core.Tensors;

/// <summary>
/// A tensor with a name: the flattened, row-major values in a typed array (<c>float[]</c> for FP32, <c>string[]</c> for BYTES,
/// <see cref="Half"/>[] for FP16, and so on).
/// </summary>
public sealed record NamedTensor(string Name, TensorDatatype Datatype, long[] Shape, Array Data)
{
    /// <summary>
    /// Reads element <paramref name="index"/> as the decimal number the client wrote: an FP32 or FP16 element is widened
    /// through its shortest round-trip decimal form, so an FP32 1.2 reads 1.2 and not 1.2000000476837158. Rules compare
    /// with decimal literals (<c>lvrat &gt; 1.2</c>); widening the binary value would make 1.2 exceed 1.2.
    /// </summary>
    public double GetAsWritten(int index)
    {
        if (Datatype is not (TensorDatatype.Fp32 or TensorDatatype.Fp16))
        {
            return GetDouble(index);
        }

        Span<char> text = stackalloc char[32];
        var written = Datatype == TensorDatatype.Fp32
            ? ((float[])Data)[index].TryFormat(text, out var length, "R", System.Globalization.CultureInfo.InvariantCulture)
            : ((Half[])Data)[index].TryFormat(text, out length, "R", System.Globalization.CultureInfo.InvariantCulture);
        return written && double.TryParse(text[..length], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : GetDouble(index);
    }

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
