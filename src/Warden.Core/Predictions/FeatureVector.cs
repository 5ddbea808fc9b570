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
/// </summary>
public static class FeatureVector
{
    /// <summary>Format version byte.</summary>
    public const byte Version = 1;

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

    private static int Size(IReadOnlyList<NamedTensor> tensors) => tensors.Sum(t => Encoding.UTF8.GetByteCount(t.Name) + 9);

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
        return TryWriteSection(buffer, inputs, ref length) && TryWriteSection(buffer, outputs, ref length);
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
