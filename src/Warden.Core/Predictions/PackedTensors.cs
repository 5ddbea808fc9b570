using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Warden.Core.Tensors;

namespace Warden.Core.Predictions;

/// <summary>
/// The packed stored form of a list of small numeric tensors (a tabular row: a dozen <c>[1,1]</c> inputs): the text
/// <see cref="Prefix"/> followed by the base64 of, all little-endian, the tensor count (varint), then per tensor its name
/// (varint byte length, UTF-8), its datatype (one byte: its place in the V2 protocol's list, BOOL 0 … FP64 11, as
/// <see cref="TensorDatatype"/> numbers them), its rank (varint), each dimension (zigzag varint), its element count
/// (varint) and its elements in the raw layout of <see cref="TensorBytes"/>.
/// <para>Why: stored as JSON, a credit-risk row is ~0.8 KB of names, datatypes, shapes and formatted floats, written by the
/// log writer for every record, and carried by every page of the log. Packed it is ~0.26 KB and costs no float
/// formatting. The stored column stays text (a base64 string), so both stores, payload sealing, re-encryption and copies
/// between stores handle it as any other payload; <see cref="PredictionSerializer.ToV2"/> turns it back into the exact
/// JSON the tensors would have been stored as, since the same values go through the same JSON writer.</para>
/// </summary>
internal static class PackedTensors
{
    /// <summary>What a packed list starts with; JSON text cannot (it starts with <c>[</c>, <c>{</c> or whitespace).</summary>
    public const string Prefix = "~1";

    // BYTES elements (text) would not come back byte-identical after a UTF-8 round trip when they hold lone surrogates, and
    // BOOL has no raw view of its array: both stay JSON.
    public static bool CanPack(NamedTensor tensor) => tensor.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool);

    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>The packed text of <paramref name="tensors"/>, every one of which <see cref="CanPack"/>.</summary>
    public static string Pack(IReadOnlyList<NamedTensor> tensors)
    {
        var bound = 5;
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            bound += 5 + Encoding.UTF8.GetMaxByteCount(tensor.Name.Length) + 1 + 5 + (tensor.Shape.Length * 10) + 5
                + (tensor.Data.Length * TensorBytes.ElementSize(tensor.Datatype));
        }

        var buffer = t_buffer is { } kept && kept.Length >= bound ? kept : new byte[Math.Max(bound, 1_024)];
        if (buffer.Length <= 1 << 16)
        {
            t_buffer = buffer;
        }

        var at = WriteVarint(buffer, 0, (ulong)tensors.Count);
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            at = WriteVarint(buffer, at, (ulong)Encoding.UTF8.GetByteCount(tensor.Name));
            at += Encoding.UTF8.GetBytes(tensor.Name, buffer.AsSpan(at));
            buffer[at++] = (byte)tensor.Datatype;
            at = WriteVarint(buffer, at, (ulong)tensor.Shape.Length);
            foreach (var dim in tensor.Shape)
            {
                at = WriteVarint(buffer, at, (ulong)((dim << 1) ^ (dim >> 63)));
            }

            at = WriteVarint(buffer, at, (ulong)tensor.Data.Length);
            var raw = TensorBytes.Raw(tensor);
            raw.CopyTo(buffer.AsSpan(at));
            at += raw.Length;
        }

        return string.Create(Prefix.Length + (((at + 2) / 3) * 4), (buffer, at), static (chars, state) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            Convert.TryToBase64Chars(state.buffer.AsSpan(0, state.at), chars[Prefix.Length..], out _);
        });
    }

    /// <summary>The tensors of a packed text (one that starts with <see cref="Prefix"/>).</summary>
    /// <exception cref="InvalidDataException">The text is not a well-formed packed list.</exception>
    public static List<NamedTensor> Unpack(string packed)
    {
        var text = packed.AsSpan(Prefix.Length);
        var rented = ArrayPool<byte>.Shared.Rent((text.Length / 4 * 3) + 3);
        try
        {
            if (!Convert.TryFromBase64Chars(text, rented, out var length))
            {
                throw Malformed();
            }

            var bytes = rented.AsSpan(0, length);
            var at = 0;
            var count = ReadLength(bytes, ref at);
            var tensors = new List<NamedTensor>(count);
            for (var i = 0; i < count; i++)
            {
                var nameLength = ReadLength(bytes, ref at);
                var name = Encoding.UTF8.GetString(Take(bytes, ref at, nameLength));
                var code = Take(bytes, ref at, 1)[0];
                if (code is (byte)TensorDatatype.Bool or > (byte)TensorDatatype.Fp64)
                {
                    throw Malformed();
                }

                var datatype = (TensorDatatype)code;
                var shape = new long[ReadLength(bytes, ref at)];
                for (var d = 0; d < shape.Length; d++)
                {
                    var zigzag = ReadVarint(bytes, ref at);
                    shape[d] = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
                }

                var elements = ReadLength(bytes, ref at);
                var raw = Take(bytes, ref at, checked(elements * TensorBytes.ElementSize(datatype)));
                tensors.Add(new NamedTensor(name, datatype, shape, TensorBytes.Decode(name, datatype, elements, raw, finiteOnly: false)));
            }

            return at == bytes.Length ? tensors : throw Malformed();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static InvalidDataException Malformed() => new("a stored tensor list in the packed form is malformed");

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> bytes, ref int at, int length)
    {
        if (length < 0 || length > bytes.Length - at)
        {
            throw Malformed();
        }

        var taken = bytes.Slice(at, length);
        at += length;
        return taken;
    }

    private static int ReadLength(ReadOnlySpan<byte> bytes, ref int at)
    {
        var value = ReadVarint(bytes, ref at);
        return value <= int.MaxValue ? (int)value : throw Malformed();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw Malformed();
            }

            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed();
    }

    private static int WriteVarint(byte[] buffer, int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at++] = (byte)value;
        return at;
    }
}
