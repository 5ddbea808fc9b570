using System.Buffers.Binary;
using System.Text;
using Warden.Core.Predictions;

namespace Warden.Core.Storage.Sqlite;

/// <summary>
/// The monitoring copies of up to <see cref="MaxEntries"/> predictions of one model version, stored as one row so that
/// reading a million-row window costs a few thousand row fetches instead of a million. Entry layout: sequence number and
/// time (int64 LE each), a flags byte (1 = shadow copy, 2 = has a vector), the id (length byte + UTF-8), and the
/// <see cref="FeatureVector"/> (uint16 LE length + bytes).
/// </summary>
internal static class FeatureBlock
{
    /// <summary>Most predictions in one block.</summary>
    public const int MaxEntries = 512;

    private const byte Shadow = 1;
    private const byte HasVector = 2;

    /// <summary>Encodes entries, oldest first.</summary>
    public static byte[] Encode(IReadOnlyList<(long Seq, StoredPrediction Prediction)> entries)
    {
        using var stream = new MemoryStream(entries.Count * 320);
        Span<byte> header = stackalloc byte[18];
        Span<byte> length = stackalloc byte[2];
        foreach (var (seq, p) in entries)
        {
            var id = Encoding.UTF8.GetBytes(p.Id);
            var vector = p.Features is { Length: <= ushort.MaxValue } v ? v : null;
            BinaryPrimitives.WriteInt64LittleEndian(header, seq);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], p.Time.ToUnixTimeMilliseconds());
            header[16] = (byte)((p.Purpose == Monitoring.RolloutSettings.ShadowPurpose ? Shadow : 0) | (vector is null || id.Length > byte.MaxValue ? 0 : HasVector));
            header[17] = (byte)Math.Min(id.Length, byte.MaxValue);
            stream.Write(header);
            stream.Write(id, 0, header[17]);
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)(vector?.Length ?? 0));
            stream.Write(length);
            if (vector is not null)
            {
                stream.Write(vector);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Decodes the entries of <paramref name="block"/> inside the query's window. Entries without a vector are returned
    /// with a null vector and the caller reads their JSON; an entry cut short ends the block.
    /// </summary>
    public static void Decode(ReadOnlyMemory<byte> block, MonitoredQuery query, long? sinceMs, List<MonitoredPrediction> result, List<long> withoutVector)
    {
        var span = block.Span;
        var at = 0;
        while (at + 18 <= span.Length)
        {
            var seq = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
            var time = BinaryPrimitives.ReadInt64LittleEndian(span[(at + 8)..]);
            var flags = span[at + 16];
            int idLength = span[at + 17];
            var idAt = at + 18;
            if (idAt + idLength + 2 > span.Length)
            {
                return;
            }

            int vectorLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(idAt + idLength)..]);
            var vectorAt = idAt + idLength + 2;
            if (vectorAt + vectorLength > span.Length)
            {
                return;
            }

            at = vectorAt + vectorLength;
            if (seq <= query.After || seq > query.Through || (flags & Shadow) != 0 || (sinceMs is { } since && time < since))
            {
                continue;
            }

            if ((flags & HasVector) == 0)
            {
                withoutVector.Add(seq);
                continue;
            }

            var id = query.IncludeIds ? Encoding.UTF8.GetString(span.Slice(idAt, idLength)) : null;
            result.Add(new MonitoredPrediction(seq, id, block.Slice(vectorAt, vectorLength), null, null));
        }
    }
}
