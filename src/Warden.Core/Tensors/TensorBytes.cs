using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Warden.Core.Tensors;

/// <summary>
/// The raw layout of tensor data shared by the binary tensor data extension over HTTP and the gRPC protocol's
/// <c>raw_input_contents</c>/<c>raw_output_contents</c>: the flattened row-major elements, little-endian, with no padding;
/// BOOL is one byte per element; each BYTES element is a 4-byte little-endian length followed by that many bytes.
/// </summary>
public static class TensorBytes
{
    /// <summary>Decodes <paramref name="bytes"/> into the typed array of <paramref name="datatype"/> (see <see cref="NamedTensor"/>).</summary>
    /// <param name="name">Tensor name, for messages.</param>
    /// <param name="datatype">Element type.</param>
    /// <param name="count">Element count the shape gives.</param>
    /// <param name="bytes">The raw layout.</param>
    /// <param name="finiteOnly">Refuse NaN and infinity (a request's input); false for data a model produced (a logged output).</param>
    /// <exception cref="WardenException">400 when the byte count does not fit <paramref name="count"/> elements.</exception>
    public static Array Decode(string name, TensorDatatype datatype, int count, ReadOnlySpan<byte> bytes, bool finiteOnly = true)
    {
        if (datatype == TensorDatatype.Bytes)
        {
            return DecodeStrings(name, count, bytes);
        }

        var size = ElementSize(datatype);
        if (bytes.Length != (long)count * size)
        {
            throw WardenException.BadRequest(
                $"input '{name}' has {bytes.Length} bytes of binary data but {count} {datatype.ToWire()} elements need {(long)count * size}");
        }

        // The protocol is little-endian; so is every platform .NET runs Warden on, which the cast relies on.
        return datatype switch
        {
            TensorDatatype.Fp32 => finiteOnly ? Checked(name, Copy<float>(bytes), 0x7F80_0000u) : Copy<float>(bytes),
            TensorDatatype.Fp64 => finiteOnly ? Checked(name, Copy<double>(bytes), 0x7FF0_0000_0000_0000ul) : Copy<double>(bytes),
            TensorDatatype.Fp16 => finiteOnly ? Checked(name, Copy<Half>(bytes), (ushort)0x7C00) : Copy<Half>(bytes),
            TensorDatatype.Int8 => MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray(),
            TensorDatatype.Int16 => MemoryMarshal.Cast<byte, short>(bytes).ToArray(),
            TensorDatatype.Int32 => MemoryMarshal.Cast<byte, int>(bytes).ToArray(),
            TensorDatatype.Int64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            TensorDatatype.UInt8 => bytes.ToArray(),
            TensorDatatype.UInt16 => MemoryMarshal.Cast<byte, ushort>(bytes).ToArray(),
            TensorDatatype.UInt32 => MemoryMarshal.Cast<byte, uint>(bytes).ToArray(),
            TensorDatatype.UInt64 => MemoryMarshal.Cast<byte, ulong>(bytes).ToArray(),
            TensorDatatype.Bool => DecodeBooleans(name, bytes),
            _ => throw WardenException.BadRequest($"datatype {datatype.ToWire()} is not supported"),
        };
    }

    /// <summary>Encodes the data of <paramref name="tensor"/> in the raw layout.</summary>
    public static byte[] Encode(NamedTensor tensor) => tensor.Datatype switch
    {
        TensorDatatype.Bool => ((bool[])tensor.Data).Select(b => b ? (byte)1 : (byte)0).ToArray(),
        TensorDatatype.Bytes => EncodeStrings((string[])tensor.Data),
        _ => Raw(tensor).ToArray(),
    };

    /// <summary>
    /// The data of a tensor of a fixed-size numeric datatype (not BOOL or BYTES) in the raw layout, as a view of its array
    /// without a copy.
    /// </summary>
    public static ReadOnlySpan<byte> Raw(NamedTensor tensor) => tensor.Datatype switch
    {
        TensorDatatype.Fp32 => MemoryMarshal.AsBytes(((float[])tensor.Data).AsSpan()),
        TensorDatatype.Fp64 => MemoryMarshal.AsBytes(((double[])tensor.Data).AsSpan()),
        TensorDatatype.Fp16 => MemoryMarshal.AsBytes(((Half[])tensor.Data).AsSpan()),
        TensorDatatype.Int8 => MemoryMarshal.AsBytes(((sbyte[])tensor.Data).AsSpan()),
        TensorDatatype.Int16 => MemoryMarshal.AsBytes(((short[])tensor.Data).AsSpan()),
        TensorDatatype.Int32 => MemoryMarshal.AsBytes(((int[])tensor.Data).AsSpan()),
        TensorDatatype.Int64 => MemoryMarshal.AsBytes(((long[])tensor.Data).AsSpan()),
        TensorDatatype.UInt8 => (byte[])tensor.Data,
        TensorDatatype.UInt16 => MemoryMarshal.AsBytes(((ushort[])tensor.Data).AsSpan()),
        TensorDatatype.UInt32 => MemoryMarshal.AsBytes(((uint[])tensor.Data).AsSpan()),
        TensorDatatype.UInt64 => MemoryMarshal.AsBytes(((ulong[])tensor.Data).AsSpan()),
        _ => throw new InvalidOperationException($"datatype {tensor.Datatype} has no fixed-size raw view"),
    };

    /// <summary>Bytes per element of a fixed-size datatype.</summary>
    public static int ElementSize(TensorDatatype datatype) => datatype switch
    {
        TensorDatatype.Bool or TensorDatatype.Int8 or TensorDatatype.UInt8 => 1,
        TensorDatatype.Int16 or TensorDatatype.UInt16 or TensorDatatype.Fp16 => 2,
        TensorDatatype.Int32 or TensorDatatype.UInt32 or TensorDatatype.Fp32 => 4,
        TensorDatatype.Int64 or TensorDatatype.UInt64 or TensorDatatype.Fp64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(datatype), datatype, "BYTES has no fixed element size"),
    };

    // One copy from the request's bytes into an array the runtime can pin; no zeroing first, every element is written.
    private static T[] Copy<T>(ReadOnlySpan<byte> bytes)
        where T : unmanaged
    {
        var values = GC.AllocateUninitializedArray<T>(bytes.Length / Unsafe.SizeOf<T>());
        bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    // NaN and infinity cannot be sent as JSON numbers; binary data can carry them, and no model is meant to receive them.
    // A value is not finite when all its exponent bits are set (mask); the scan is vectorised, as an image has 150,528 values.
    private static TFloat[] Checked<TFloat, TBits>(string name, TFloat[] values, TBits exponent)
        where TFloat : unmanaged
        where TBits : unmanaged, IBinaryInteger<TBits>
    {
        var bad = IndexOfNonFinite(MemoryMarshal.Cast<TFloat, TBits>(values.AsSpan()), exponent);
        return bad < 0 ? values : throw WardenException.BadRequest($"input '{name}' value {bad} is {values[bad]}, not a finite number");
    }

    private static int IndexOfNonFinite<TBits>(ReadOnlySpan<TBits> bits, TBits exponent)
        where TBits : unmanaged, IBinaryInteger<TBits>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<TBits>.Count)
        {
            var mask = new Vector<TBits>(exponent);
            var vectors = MemoryMarshal.Cast<TBits, Vector<TBits>>(bits);
            for (var v = 0; v < vectors.Length; v++)
            {
                if (Vector.EqualsAny(vectors[v] & mask, mask))
                {
                    break;
                }

                i += Vector<TBits>.Count;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & exponent) == exponent)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool[] DecodeBooleans(string name, ReadOnlySpan<byte> bytes)
    {
        var values = new bool[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            values[i] = bytes[i] switch
            {
                0 => false,
                1 => true,
                _ => throw WardenException.BadRequest($"input '{name}' BOOL value {i} is byte {bytes[i]}, not 0 or 1"),
            };
        }

        return values;
    }

    private static string[] DecodeStrings(string name, int count, ReadOnlySpan<byte> bytes)
    {
        var values = new string[count];
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            if (bytes.Length - offset < 4)
            {
                throw WardenException.BadRequest($"input '{name}' binary data ends before BYTES element {i} of {count}");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
            offset += 4;
            if (length > (uint)(bytes.Length - offset))
            {
                throw WardenException.BadRequest($"input '{name}' BYTES element {i} declares {length} bytes but only {bytes.Length - offset} remain");
            }

            values[i] = Encoding.UTF8.GetString(bytes.Slice(offset, (int)length));
            offset += (int)length;
        }

        return offset == bytes.Length
            ? values
            : throw WardenException.BadRequest($"input '{name}' has {bytes.Length - offset} bytes of binary data after its {count} BYTES elements");
    }

    private static byte[] EncodeStrings(string[] values)
    {
        var total = values.Sum(v => 4L + Encoding.UTF8.GetByteCount(v));
        var buffer = new byte[total];
        var offset = 0;
        foreach (var value in values)
        {
            var written = Encoding.UTF8.GetBytes(value, buffer.AsSpan(offset + 4));
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)written);
            offset += 4 + written;
        }

        return buffer;
    }
}
