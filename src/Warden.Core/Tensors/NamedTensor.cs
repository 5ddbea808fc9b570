namespace Warden.Core.Tensors;

/// <summary>
/// A tensor with a name: the flattened, row-major values in a typed array (<c>float[]</c> for FP32, <c>string[]</c> for BYTES,
/// <see cref="Half"/>[] for FP16, and so on).
/// </summary>
public sealed record NamedTensor(string Name, TensorDatatype Datatype, long[] Shape, Array Data)
{
    /// <summary>Reads element <paramref name="index"/> as a double (booleans as 0/1; NaN for strings).</summary>
    public double GetDouble(int index) => Data switch
    {
        float[] f => f[index],
        double[] d => d[index],
        long[] l => l[index],
        int[] i => i[index],
        bool[] b => b[index] ? 1 : 0,
        short[] s => s[index],
        sbyte[] sb => sb[index],
        byte[] u8 => u8[index],
        ushort[] u16 => u16[index],
        uint[] u32 => u32[index],
        ulong[] u64 => u64[index],
        Half[] h => (double)h[index],
        _ => double.NaN,
    };
}
