using System.Buffers.Binary;
using System.Text;
using Warden.Core.Predictions;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// The monitoring copies of up to <see cref="MaxEntries"/> predictions of one model version, stored as one row so that
/// reading a million-row window costs a few thousand row fetches instead of a million.
/// <para>Layout 2 (written now) is columnar, all little-endian: row count n (int32); sequence numbers (n × int64); times in
/// Unix ms (n × int64); flags (n bytes: 1 = shadow copy, 2 = has values); batch sizes (n × int32); input names and then
/// output names, each a count byte and (length byte, UTF-8) entries; one float64 column of n values per name, inputs first,
/// NaN where a row lacks the tensor; ids (n × length byte + UTF-8), so readers that do not want them stop before; then,
/// only when a row has text inputs (the text section of its <see cref="FeatureVector"/>), the text columns: input names (a
/// count byte and (length byte, UTF-8) entries) and per name n cells of (length byte + UTF-8), length 255 where a row lacks
/// it. Blocks written before text columns existed end after the ids and read as having none; readers that predate them
/// ignore the trailing bytes.</para>
/// <para>Layout 1 (older databases) is row by row: sequence number and time (int64 each), flags, the id (length byte +
/// UTF-8) and the row's <see cref="FeatureVector"/> (uint16 length + bytes).</para>
/// </summary>
internal static class FeatureBlock
{
    /// <summary>Most predictions in one block.</summary>
    public const int MaxEntries = 512;

    /// <summary>
    /// Size a block aims to stay under: below the runtime's large-object threshold (85,000 bytes), so reading a million-row
    /// window allocates thousands of short-lived small arrays rather than large-object-heap ones that cost full collections.
    /// </summary>
    private const int TargetBytes = 80_000;

    /// <summary>Layout of blocks written by <see cref="Encode"/>.</summary>
    public const int Columnar = 2;

    /// <summary>The row-by-row layout of older databases.</summary>
    public const int RowLayout = 1;

    private const byte Shadow = 1;
    private const byte HasValues = 2;
    private const byte MissingText = byte.MaxValue;

    /// <summary>Rows per block for predictions like <paramref name="sample"/>: as many as fit <see cref="TargetBytes"/>, 16 to <see cref="MaxEntries"/>.</summary>
    public static int RowsPerBlock(StoredPrediction sample)
    {
        // The vector's length (names included) overestimates a row's share of the columns, which keeps blocks under target.
        var rowBytes = 21 + Encoding.UTF8.GetByteCount(sample.Id) + (sample.Features?.Length ?? 0);
        return Math.Clamp(TargetBytes / rowBytes, 16, MaxEntries);
    }

    [ThreadStatic]
    private static List<Cell>? t_cells;

    /// <summary>Encodes entries, oldest first, in the columnar layout.</summary>
    public static byte[] Encode(IReadOnlyList<(long Seq, StoredPrediction Prediction)> entries)
    {
        var n = entries.Count;
        var inputs = new NameTable();
        var outputs = new NameTable();
        var texts = new NameTable();
        var flags = new byte[n];
        var batches = new int[n];
        // Reused: sized for 24 tensors a row, a new list per block was ~295 KB on the large-object heap for every 512 rows.
        var cells = t_cells ??= new List<Cell>(MaxEntries * 24);
        cells.Clear();
        var textCells = new List<TextCell>();
        for (int i = 0; i < n; i++)
        {
            var p = entries[i].Prediction;
            flags[i] = p.Purpose == Monitoring.RolloutSettings.ShadowPurpose ? Shadow : (byte)0;
            var rowStart = cells.Count;
            var textStart = textCells.Count;
            if (p.Features is { } vector && TryParse(vector, i, inputs, outputs, texts, cells, textCells, out var batch))
            {
                flags[i] |= HasValues;
                batches[i] = batch;
            }
            else
            {
                cells.RemoveRange(rowStart, cells.Count - rowStart);
                textCells.RemoveRange(textStart, textCells.Count - textStart);
            }
        }

        var textColumns = new byte[texts.Count][][];
        for (int c = 0; c < textColumns.Length; c++)
        {
            textColumns[c] = new byte[n][];
        }

        foreach (var cell in textCells)
        {
            textColumns[cell.Column][cell.Row] = cell.Value;
        }

        var textSize = texts.Count == 0 ? 0 : texts.ByteSize + textColumns.Sum(column => column.Sum(v => 1 + (v?.Length ?? 0)));

        var ids = entries.Select(e => Encoding.UTF8.GetBytes(e.Prediction.Id)).ToArray();
        var columns = inputs.Count + outputs.Count;
        var size = 4 + (n * (8 + 8 + 1 + 4)) + inputs.ByteSize + outputs.ByteSize + (columns * n * 8) + ids.Sum(id => 1 + Math.Min(id.Length, byte.MaxValue)) + textSize;
        var block = new byte[size];
        var span = block.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        var at = 4;
        for (int i = 0; i < n; i++, at += 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entries[i].Seq);
        }

        for (int i = 0; i < n; i++, at += 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entries[i].Prediction.Time.ToUnixTimeMilliseconds());
        }

        flags.CopyTo(span[at..]);
        at += n;
        for (int i = 0; i < n; i++, at += 4)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], batches[i]);
        }

        at = inputs.Write(span, at);
        at = outputs.Write(span, at);
        var valuesAt = at;
        for (int c = 0; c < columns; c++)
        {
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(span[(valuesAt + (((c * n) + i) * 8))..], double.NaN);
            }
        }

        foreach (var cell in cells)
        {
            var c = cell.Output ? inputs.Count + cell.Column : cell.Column;
            BinaryPrimitives.WriteDoubleLittleEndian(span[(valuesAt + (((c * n) + cell.Row) * 8))..], cell.Value);
        }

        at = valuesAt + (columns * n * 8);
        foreach (var id in ids)
        {
            var length = Math.Min(id.Length, byte.MaxValue);
            span[at++] = (byte)length;
            id.AsSpan(0, length).CopyTo(span[at..]);
            at += length;
        }

        if (texts.Count > 0)
        {
            at = texts.Write(span, at);
            foreach (var column in textColumns)
            {
                foreach (var value in column)
                {
                    if (value is null)
                    {
                        span[at++] = MissingText;
                        continue;
                    }

                    span[at++] = (byte)value.Length;
                    value.CopyTo(span[at..]);
                    at += value.Length;
                }
            }
        }

        return block;
    }

    /// <summary>
    /// Decodes a columnar block: the rows inside the query's window become a <see cref="MonitoredBlock"/> (null when none
    /// are), and those in the window without values are added to <paramref name="withoutValues"/> for their JSON to be read.
    /// A malformed block yields nothing.
    /// </summary>
    public static MonitoredBlock? DecodeColumnar(ReadOnlyMemory<byte> block, MonitoredQuery query, long? sinceMs, List<long> withoutValues)
    {
        var span = block.Span;
        if (span.Length < 4)
        {
            return null;
        }

        var n = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (n <= 0 || n > MaxEntries || span.Length < 4 + (n * 21L))
        {
            return null;
        }

        var sequencesAt = 4;
        var timesAt = sequencesAt + (n * 8);
        var flagsAt = timesAt + (n * 8);
        var batchesAt = flagsAt + n;
        var at = batchesAt + (n * 4);
        if (!TryReadNames(span, ref at, out var inputNames) || !TryReadNames(span, ref at, out var outputNames))
        {
            return null;
        }

        var valuesAt = at;
        var idsAt = valuesAt + ((long)(inputNames.Length + outputNames.Length) * n * 8);
        if (idsAt > span.Length)
        {
            return null;
        }

        var rows = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            var seq = BinaryPrimitives.ReadInt64LittleEndian(span[(sequencesAt + (i * 8))..]);
            var time = BinaryPrimitives.ReadInt64LittleEndian(span[(timesAt + (i * 8))..]);
            var flag = span[flagsAt + i];
            if (seq <= query.After || seq > query.Through || (flag & Shadow) != 0 || (sinceMs is { } since && time < since))
            {
                continue;
            }

            if ((flag & HasValues) == 0)
            {
                withoutValues.Add(seq);
                continue;
            }

            rows.Add(i);
        }

        if (rows.Count == 0)
        {
            return null;
        }

        string?[]? ids = query.IncludeIds ? new string?[n] : null;
        var idAt = (int)idsAt;
        for (int i = 0; i < n && idAt < span.Length; i++)
        {
            int length = span[idAt++];
            if (idAt + length > span.Length)
            {
                return null;
            }

            if (ids is not null)
            {
                ids[i] = Encoding.UTF8.GetString(span.Slice(idAt, length));
            }

            idAt += length;
        }

        var textNames = Array.Empty<string>();
        string?[][] textColumns = [];
        if (idAt < span.Length)
        {
            if (!TryReadNames(span, ref idAt, out textNames))
            {
                return null;
            }

            textColumns = new string?[textNames.Length][];
            for (int c = 0; c < textNames.Length; c++)
            {
                textColumns[c] = new string?[n];
                for (int i = 0; i < n; i++)
                {
                    if (idAt >= span.Length)
                    {
                        return null;
                    }

                    int length = span[idAt++];
                    if (length == MissingText)
                    {
                        continue;
                    }

                    if (idAt + length > span.Length)
                    {
                        return null;
                    }

                    textColumns[c][i] = Encoding.UTF8.GetString(span.Slice(idAt, length));
                    idAt += length;
                }
            }
        }

        return new MonitoredBlock(block, n, sequencesAt, batchesAt, valuesAt, inputNames, outputNames, [.. rows], ids)
        {
            TextInputNames = textNames,
            TextInputs = textColumns,
        };
    }

    /// <summary>
    /// Decodes a row-layout block: rows inside the query's window with a vector become <see cref="MonitoredPrediction"/>s;
    /// those without one are added to <paramref name="withoutValues"/>. An entry cut short ends the block.
    /// </summary>
    public static void DecodeRows(ReadOnlyMemory<byte> block, MonitoredQuery query, long? sinceMs, List<MonitoredPrediction> result, List<long> withoutValues)
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

            if ((flags & HasValues) == 0)
            {
                withoutValues.Add(seq);
                continue;
            }

            var id = query.IncludeIds ? Encoding.UTF8.GetString(span.Slice(idAt, idLength)) : null;
            result.Add(new MonitoredPrediction(seq, id, block.Slice(vectorAt, vectorLength), null, null));
        }
    }

    /// <summary>Reads a <see cref="FeatureVector"/> into column values; false when it is malformed or the names overflow.</summary>
    private static bool TryParse(byte[] vector, int row, NameTable inputs, NameTable outputs, NameTable texts, List<Cell> cells, List<TextCell> textCells, out int batch)
    {
        batch = 0;
        if (vector.Length < 7 || vector[0] != FeatureVector.Version)
        {
            return false;
        }

        batch = BinaryPrimitives.ReadInt32LittleEndian(vector.AsSpan(1));
        var at = 5;
        if (!TryParseSection(vector, ref at, row, inputs, false, cells) || !TryParseSection(vector, ref at, row, outputs, true, cells))
        {
            return false;
        }

        if (at >= vector.Length)
        {
            // No text section: nothing for the reader below, whose closure would be allocated for every row.
            return true;
        }

        var ok = true;
        var hint = 0;
        return FeatureVector.TryReadText(vector, at, (name, value) =>
        {
            var column = texts.IndexOf(name, hint++);
            if (column < 0 || value.Length >= MissingText)
            {
                ok = false;
                return;
            }

            textCells.Add(new TextCell(row, column, value.ToArray()));
        }) && ok;
    }

    private static bool TryParseSection(ReadOnlySpan<byte> vector, ref int at, int row, NameTable names, bool output, List<Cell> cells)
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

            var name = vector.Slice(at + 1, vector[at]);
            at += 1 + name.Length;
            var column = names.IndexOf(name, e);
            if (column < 0)
            {
                return false;
            }

            cells.Add(new Cell(row, column, output, BinaryPrimitives.ReadDoubleLittleEndian(vector[at..])));
            at += 8;
        }

        return true;
    }

    private static bool TryReadNames(ReadOnlySpan<byte> span, ref int at, out string[] names)
    {
        names = [];
        if (at >= span.Length)
        {
            return false;
        }

        names = new string[span[at++]];
        for (int i = 0; i < names.Length; i++)
        {
            if (at >= span.Length || at + 1 + span[at] > span.Length)
            {
                return false;
            }

            names[i] = Encoding.UTF8.GetString(span.Slice(at + 1, span[at]));
            at += 1 + span[at];
        }

        return true;
    }

    private readonly record struct Cell(int Row, int Column, bool Output, double Value);

    private readonly record struct TextCell(int Row, int Column, byte[] Value);

    /// <summary>The union of tensor names in a block, in order of first appearance; at most 255.</summary>
    private sealed class NameTable
    {
        private readonly List<byte[]> _names = [];

        public int Count => _names.Count;

        public int ByteSize => 1 + _names.Sum(n => 1 + n.Length);

        /// <summary>The column of <paramref name="name"/>, added when new; -1 when the table is full.</summary>
        public int IndexOf(ReadOnlySpan<byte> name, int hint)
        {
            // Rows of one model version list their tensors in the same order, so the hint almost always hits.
            if (hint < _names.Count && name.SequenceEqual(_names[hint]))
            {
                return hint;
            }

            for (int i = 0; i < _names.Count; i++)
            {
                if (name.SequenceEqual(_names[i]))
                {
                    return i;
                }
            }

            if (_names.Count == byte.MaxValue)
            {
                return -1;
            }

            _names.Add(name.ToArray());
            return _names.Count - 1;
        }

        public int Write(Span<byte> span, int at)
        {
            span[at++] = (byte)_names.Count;
            foreach (var name in _names)
            {
                span[at++] = (byte)name.Length;
                name.CopyTo(span[at..]);
                at += name.Length;
            }

            return at;
        }
    }
}
