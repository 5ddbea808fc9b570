using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Warden.Core.Tensors;

namespace Warden.Core.Predictions;

/// <summary>
/// The compact monitoring copy of a logged prediction: element 0 of every input and output tensor as a double, so drift and
/// quality windows over a million predictions read a few hundred bytes per row instead of parsing the JSON payloads.
/// Stored as a BLOB (sealed like the payloads, as base64, when encryption is on), after redaction, so it holds nothing the
/// stored payloads do not. Layout: version byte 1; batch rows (int32 LE, first dimension of the first input); then for the
/// inputs and then the outputs a count byte followed by entries of (name length byte, UTF-8 name, float64 LE value).
/// Values are those of <see cref="NamedTensor.GetDouble"/> (FP32 widened exactly, booleans 1/0); BYTES tensors appear
/// only when their first element is a number. No vector is kept when a name is longer than 255 bytes or a section has more
/// than 255 tensors; readers then fall back to the JSON payloads.
/// <para>A text section may follow the outputs (added for categorical inputs; readers of the numeric sections ignore
/// trailing bytes, and vectors written before it simply end after the outputs): a count byte, then entries of (name length
/// byte, UTF-8 name, value length byte, UTF-8 value) holding element 0 of each BYTES input as text, so drift can compare
/// categories. Values longer than <see cref="MaxTextBytes"/> bytes are left out (monitoring treats them as missing).</para>
/// </summary>
public static class FeatureVector
{
    /// <summary>Format version byte.</summary>
    public const byte Version = 1;

    /// <summary>Longest text value (UTF-8 bytes) kept in the text section.</summary>
    public const int MaxTextBytes = 254;

    /// <summary>The vector of a record's (already redacted) tensors; null when the layout cannot hold them.</summary>
    public static byte[]? Encode(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<NamedTensor> outputs)
    {
        Span<byte> buffer = stackalloc byte[2048];
        var length = 0;
        if (!TryWrite(buffer, inputs, outputs, ref length))
        {
            var heap = new byte[Size(inputs) + Size(outputs) + 7];
            length = 0;
            if (!TryWrite(heap, inputs, outputs, ref length))
            {
                return null;
            }

            return heap[..length];
        }

        return buffer[..length].ToArray();
    }

    private static int Size(IReadOnlyList<NamedTensor> tensors) =>
        tensors.Sum(t => Encoding.UTF8.GetByteCount(t.Name) + 9 + (t.Datatype == TensorDatatype.Bytes ? Encoding.UTF8.GetByteCount(t.Name) + 2 + MaxTextBytes : 0));

    /// <summary>
    /// Reads the text section that follows the numeric sections at <paramref name="at"/>, calling <paramref name="entry"/>
    /// with each name and value; false when it is malformed. A vector without one (written before it existed) reads as empty.
    /// </summary>
    public static bool TryReadText(ReadOnlySpan<byte> vector, int at, TextEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (at >= vector.Length)
        {
            return true;
        }

        int count = vector[at++];
        for (int e = 0; e < count; e++)
        {
            if (at >= vector.Length || at + 1 + vector[at] + 1 > vector.Length)
            {
                return false;
            }

            var name = vector.Slice(at + 1, vector[at]);
            at += 1 + name.Length;
            int length = vector[at++];
            if (at + length > vector.Length)
            {
                return false;
            }

            entry(name, vector.Slice(at, length));
            at += length;
        }

        return true;
    }

    /// <summary>Skips one numeric section at <paramref name="at"/>; false when it is malformed.</summary>
    public static bool TrySkipSection(ReadOnlySpan<byte> vector, ref int at)
    {
        if (at >= vector.Length)
        {
            return false;
        }

        int count = vector[at++];
        for (int e = 0; e < count; e++)
        {
            if (at >= vector.Length || at + 1 + vector[at] + 8 > vector.Length)
            {
                return false;
            }

            at += 1 + vector[at] + 8;
        }

        return true;
    }

    /// <summary>Receives one entry of the text section.</summary>
    public delegate void TextEntry(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    private static bool TryWrite(Span<byte> buffer, IReadOnlyList<NamedTensor> inputs, IReadOnlyList<NamedTensor> outputs, ref int length)
    {
        if (buffer.Length < 5)
        {
            return false;
        }

        buffer[0] = Version;
        var batch = inputs.Count > 0 && inputs[0].Shape.Length > 0 ? inputs[0].Shape[0] : 1;
        BinaryPrimitives.WriteInt32LittleEndian(buffer[1..], (int)Math.Clamp(batch, 0, int.MaxValue));
        length = 5;
        return TryWriteSection(buffer, inputs, ref length) && TryWriteSection(buffer, outputs, ref length) && TryWriteText(buffer, inputs, ref length);
    }

    private static bool TryWriteText(Span<byte> buffer, IReadOnlyList<NamedTensor> inputs, ref int length)
    {
        var countAt = length;
        var count = 0;
        foreach (var tensor in inputs)
        {
            if (tensor.Datatype != TensorDatatype.Bytes || tensor.Data.Length == 0 || tensor.Data.GetValue(0) is not string text
                || Encoding.UTF8.GetByteCount(text) > MaxTextBytes)
            {
                continue;
            }

            if (count == 0)
            {
                if (length >= buffer.Length)
                {
                    return false;
                }

                length++;
            }

            if (++count > byte.MaxValue || length + 1 >= buffer.Length)
            {
                return false;
            }

            if (!Encoding.UTF8.TryGetBytes(tensor.Name, buffer[(length + 1)..], out var nameBytes) || nameBytes > byte.MaxValue || length + 1 + nameBytes + 1 >= buffer.Length)
            {
                return false;
            }

            buffer[length] = (byte)nameBytes;
            length += 1 + nameBytes;
            if (!Encoding.UTF8.TryGetBytes(text, buffer[(length + 1)..], out var textBytes))
            {
                return false;
            }

            buffer[length] = (byte)textBytes;
            length += 1 + textBytes;
        }

        if (count > 0)
        {
            buffer[countAt] = (byte)count;
        }

        return true;
    }

    private static bool TryWriteSection(Span<byte> buffer, IReadOnlyList<NamedTensor> tensors, ref int length)
    {
        if (length >= buffer.Length)
        {
            return false;
        }

        var countAt = length++;
        var count = 0;
        foreach (var tensor in tensors)
        {
            if (tensor.Data.Length == 0 || !TryFirst(tensor, out var value))
            {
                continue;
            }

            if (++count > byte.MaxValue || length + 1 >= buffer.Length)
            {
                return false;
            }

            int nameBytes;
            if (!Encoding.UTF8.TryGetBytes(tensor.Name, buffer[(length + 1)..], out nameBytes) || nameBytes > byte.MaxValue || length + 1 + nameBytes + 8 > buffer.Length)
            {
                return false;
            }

            buffer[length] = (byte)nameBytes;
            length += 1 + nameBytes;
            BinaryPrimitives.WriteDoubleLittleEndian(buffer[length..], value);
            length += 8;
        }

        buffer[countAt] = (byte)count;
        return true;
    }

    private static bool TryFirst(NamedTensor tensor, out double value)
    {
        if (tensor.Datatype != TensorDatatype.Bytes)
        {
            value = tensor.GetDouble(0);
            return true;
        }

        value = double.NaN;
        return tensor.Data.GetValue(0) is string text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
