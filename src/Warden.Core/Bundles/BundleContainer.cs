using System.Buffers.Binary;
using System.Text;

namespace Warden.Core.Bundles;

/// <summary>
/// The <c>.wdn</c> file layout: <c>"WDNB"</c>, a format byte (1), a big-endian u16 entry count, then per entry a u16
/// name length, the UTF-8 name and a u64 data length followed by the data; nothing may follow the last entry. Unlike a
/// zip archive there are no timestamps, compression flags or other unhashed metadata, so — with the manifest fixing
/// each part's name, order and hash — every byte of the file is covered by the signature.
/// </summary>
public static class BundleContainer
{
    private static readonly byte[] Magic = "WDNB"u8.ToArray();
    private const byte FormatVersion = 1;

    /// <summary>Serializes <paramref name="entries"/> in the given order.</summary>
    public static byte[] Write(IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var stream = new MemoryStream();
        stream.Write(Magic);
        stream.WriteByte(FormatVersion);
        Span<byte> u16 = stackalloc byte[2];
        Span<byte> u64 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16BigEndian(u16, checked((ushort)entries.Count));
        stream.Write(u16);
        foreach (var (name, data) in entries)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteUInt16BigEndian(u16, checked((ushort)nameBytes.Length));
            stream.Write(u16);
            stream.Write(nameBytes);
            BinaryPrimitives.WriteUInt64BigEndian(u64, (ulong)data.LongLength);
            stream.Write(u64);
            stream.Write(data);
        }

        return stream.ToArray();
    }

    /// <summary>Parses a container; throws <see cref="BundleVerificationException"/> (<see cref="BundleFailure.Malformed"/>) on any deviation.</summary>
    public static List<KeyValuePair<string, byte[]>> Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 7 || !bytes[..4].SequenceEqual(Magic))
        {
            throw Malformed("not a Warden bundle (bad magic)");
        }

        if (bytes[4] != FormatVersion)
        {
            throw Malformed($"unsupported bundle container version {bytes[4]}");
        }

        var count = BinaryPrimitives.ReadUInt16BigEndian(bytes[5..]);
        var position = 7;
        var entries = new List<KeyValuePair<string, byte[]>>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (var i = 0; i < count; i++)
        {
            if (bytes.Length - position < 2)
            {
                throw Malformed("truncated entry header");
            }

            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[position..]);
            position += 2;
            if (bytes.Length - position < nameLength + 8)
            {
                throw Malformed("truncated entry name");
            }

            string name;
            try
            {
                name = strict.GetString(bytes.Slice(position, nameLength));
            }
            catch (DecoderFallbackException)
            {
                throw Malformed("an entry name is not UTF-8");
            }

            position += nameLength;
            var length = BinaryPrimitives.ReadUInt64BigEndian(bytes[position..]);
            position += 8;
            if (length > (ulong)(bytes.Length - position))
            {
                throw Malformed($"entry '{name}' runs past the end of the file");
            }

            if (!names.Add(name))
            {
                throw Malformed($"entry '{name}' appears twice");
            }

            entries.Add(new(name, bytes.Slice(position, (int)length).ToArray()));
            position += (int)length;
        }

        if (position != bytes.Length)
        {
            throw Malformed("trailing bytes after the last entry");
        }

        return entries;
    }

    private static BundleVerificationException Malformed(string message) => new(BundleFailure.Malformed, message);
}
