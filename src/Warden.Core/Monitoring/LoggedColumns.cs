using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.Core.Drift;
using Warden.Core.Predictions;
using Warden.Core.Storage;

namespace Warden.Core.Monitoring;

/// <summary>
/// Single-row predictions of one model version read from the prediction log straight into numeric columns, for drift and
/// performance monitoring over large windows. Each stored tensor array is scanned once with <see cref="Utf8JsonReader"/>
/// keeping element 0 of the wanted tensors (booleans as 1/0, numeric strings parsed, NaN when absent), so a million logged
/// rows need no per-row document or dictionary. Rows logged with a <see cref="FeatureVector"/> are read from it instead
/// and their JSON payloads are not fetched at all. Shadow traffic and batched requests are skipped, as labels attach to one row.
/// </summary>
public sealed class LoggedColumns
{
    /// <summary>Sequence numbers per slice read at once.</summary>
    private const long SliceSpan = 20_000;

    /// <summary>Rows the columns are first sized for when the window may hold more.</summary>
    private const int InitialRows = 1 << 18;

    private static readonly TensorNames NoNames = new([]);

    private static readonly IReadOnlySet<string> NoText = new HashSet<string>();

    private LoggedColumns(ColumnSet columns, int count, string[]? ids, double[]? scores)
    {
        Columns = columns;
        Count = count;
        Ids = ids;
        Scores = scores;
    }

    /// <summary>The input columns, named as requested.</summary>
    public ColumnSet Columns { get; }

    /// <summary>Prediction ids, row-aligned with the columns; null unless asked for.</summary>
    public IReadOnlyList<string>? Ids { get; }

    /// <summary>The score output per row when one was requested.</summary>
    public double[]? Scores { get; }

    /// <summary>Rows read.</summary>
    public int Count { get; }

    /// <summary>Reads the window in log order.</summary>
    /// <param name="store">The prediction log.</param>
    /// <param name="model">Model name.</param>
    /// <param name="version">Only predictions answered by this version.</param>
    /// <param name="inputs">Input tensors to collect; a name that is also <paramref name="scoreOutput"/> is read from the outputs.</param>
    /// <param name="scoreOutput">Output tensor to collect as <see cref="Scores"/>; none when null.</param>
    /// <param name="since">Window start; all history when null.</param>
    /// <param name="maxRows">Most rows kept (the oldest in the window first).</param>
    /// <param name="includeIds">Keep prediction ids (to join labels).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public static Task<LoggedColumns> ReadAsync(
        IPredictionStore store, string model, string version, IReadOnlyList<string> inputs, string? scoreOutput, DateTimeOffset? since, int maxRows,
        bool includeIds = false, CancellationToken cancellationToken = default) =>
        ReadAsync(store, model, version, inputs, NoText, scoreOutput, since, maxRows, includeIds, InitialRows, cancellationToken);

    /// <summary>
    /// As <see cref="ReadAsync(IPredictionStore, string, string, IReadOnlyList{string}, string?, DateTimeOffset?, int, bool, CancellationToken)"/>,
    /// with the inputs named in <paramref name="textInputs"/> read as text (categorical) columns: element 0 of a BYTES input as
    /// logged (from the text columns of blocks and vectors, or the JSON payloads), a number written as text where only a
    /// number was kept (rows logged before text columns existed), null when absent.
    /// </summary>
    public static Task<LoggedColumns> ReadAsync(
        IPredictionStore store, string model, string version, IReadOnlyList<string> inputs, IReadOnlySet<string> textInputs, string? scoreOutput,
        DateTimeOffset? since, int maxRows, bool includeIds, CancellationToken cancellationToken = default) =>
        ReadAsync(store, model, version, inputs, textInputs, scoreOutput, since, maxRows, includeIds, InitialRows, cancellationToken);

    /// <summary>As the public overload, with the columns first sized for <paramref name="initialRows"/> (tests use a small value to exercise growth).</summary>
    internal static Task<LoggedColumns> ReadAsync(
        IPredictionStore store, string model, string version, IReadOnlyList<string> inputs, string? scoreOutput, DateTimeOffset? since, int maxRows,
        bool includeIds, int initialRows, CancellationToken cancellationToken) =>
        ReadAsync(store, model, version, inputs, NoText, scoreOutput, since, maxRows, includeIds, initialRows, cancellationToken);

    private static async Task<LoggedColumns> ReadAsync(
        IPredictionStore store, string model, string version, IReadOnlyList<string> inputs, IReadOnlySet<string> textInputs, string? scoreOutput,
        DateTimeOffset? since, int maxRows, bool includeIds, int initialRows, CancellationToken cancellationToken)
    {
        var inputNames = new TensorNames(inputs.Where(n => n != scoreOutput).ToArray());
        var textNames = new TensorNames(inputNames.Names.Where(textInputs.Contains).ToArray());
        var outputNames = new TensorNames(scoreOutput is null ? [] : [scoreOutput]);
        var count = 0;
        var range = await store.SequenceRangeAsync(model, since, cancellationToken).ConfigureAwait(false);

        // The sequence range bounds the rows, but other models and versions share the sequence, so it may overstate them
        // many times: columns start at that size up to 256 Ki rows, then grow to what the share of kept rows so far
        // projects for the whole range (one resize for a dense window), and are trimmed to the rows read.
        var capacity = range is { } span ? (int)Math.Min(maxRows, span.Last - span.First + 1) : 0;
        var allocated = Math.Min(capacity, initialRows);
        var inputColumns = inputNames.Names.Select(_ => new double[allocated]).ToArray();
        var textColumns = textNames.Names.Select(_ => new string?[allocated]).ToArray();
        var scores = new double[scoreOutput is null ? 0 : allocated];
        var ids = includeIds ? new string[allocated] : null;

        // The log is read in slices of sequence numbers, each read and decoded on another thread, two in flight, while
        // this one appends the previous slice's columns.
        var pending = new Queue<(Task<DecodedSlice> Slice, long Covered)>();
        long consumed = 0;
        var next = range is { } r ? r.First - 1 : 0;
        var last = range?.Last ?? 0;
        void FetchNext()
        {
            if (next >= last)
            {
                return;
            }

            var query = new MonitoredQuery(model, version, since, next, Math.Min(last, next + SliceSpan), includeIds);
            next = query.Through;
            pending.Enqueue((Task.Run(
                async () => DecodedSlice.Decode(await store.QueryMonitoredAsync(query, cancellationToken).ConfigureAwait(false), inputNames, textNames, outputNames, scoreOutput is not null, includeIds),
                cancellationToken), query.Through - query.After));
        }

        FetchNext();
        FetchNext();
        while (pending.Count > 0 && count < capacity)
        {
            var (task, covered) = pending.Dequeue();
            var slice = await task.ConfigureAwait(false);
            FetchNext();
            consumed += covered;
            var take = Math.Min(slice.Count, capacity - count);
            if (count + take > allocated)
            {
                var needed = count + take;
                var remaining = Math.Max(0, last - (range!.Value.First - 1) - consumed);
                var projected = needed + (long)Math.Ceiling(needed / (double)consumed * remaining * 1.05);
                allocated = (int)Math.Min(capacity, Math.Max(projected, allocated + (allocated / 2L)));
                for (int i = 0; i < inputColumns.Length; i++)
                {
                    Array.Resize(ref inputColumns[i], allocated);
                }

                for (int i = 0; i < textColumns.Length; i++)
                {
                    Array.Resize(ref textColumns[i], allocated);
                }

                if (scoreOutput is not null)
                {
                    Array.Resize(ref scores, allocated);
                }

                if (ids is not null)
                {
                    Array.Resize(ref ids, allocated);
                }
            }

            for (int i = 0; i < inputColumns.Length; i++)
            {
                slice.Inputs[i].AsSpan(0, take).CopyTo(inputColumns[i].AsSpan(count));
            }

            for (int i = 0; i < textColumns.Length; i++)
            {
                slice.Texts[i].AsSpan(0, take).CopyTo(textColumns[i].AsSpan(count));
            }

            if (scoreOutput is not null)
            {
                slice.Scores.AsSpan(0, take).CopyTo(scores.AsSpan(count));
            }

            if (ids is not null && slice.Ids is not null)
            {
                slice.Ids.AsSpan(0, take).CopyTo(ids.AsSpan(count)!);
            }

            slice.Return();
            count += take;
        }

        // Stopped at maxRows with slices still in flight: let them finish so no query outlives the call.
        while (pending.Count > 0)
        {
            (await pending.Dequeue().Slice.ConfigureAwait(false)).Return();
        }

        var columns = new ColumnSet();
        var scoreColumn = scoreOutput is null ? [] : Trim(scores, count);
        foreach (var name in inputs)
        {
            if (name == scoreOutput)
            {
                columns.Add(name, scoreColumn);
                continue;
            }

            var numbers = Trim(inputColumns[Array.IndexOf(inputNames.Names, name)], count);
            var text = Array.IndexOf(textNames.Names, name);
            columns.Add(text < 0 ? FeatureColumn.Numerical(name, numbers) : FeatureColumn.Categorical(name, AsText(Trim(textColumns[text], count), numbers)));
        }

        return new LoggedColumns(columns, count, ids is null ? null : Trim(ids, count), scoreOutput is null ? null : scoreColumn);
    }

    private static T[] Trim<T>(T[] values, int count) => values.Length == count ? values : values.AsSpan(0, count).ToArray();

    /// <summary>The text of each row, or its number written as text where only a number was logged (older rows).</summary>
    private static string?[] AsText(string?[] text, double[] numbers)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is null && double.IsFinite(numbers[i]))
            {
                text[i] = numbers[i].ToString("R", CultureInfo.InvariantCulture);
            }
        }

        return text;
    }

    /// <summary>One slice's single-row predictions decoded into columns rented from the shared pool.</summary>

    private sealed class DecodedSlice
    {
        private DecodedSlice(double[][] inputs, string?[][] texts, double[] scores, string?[]? ids, int count)
        {
            Inputs = inputs;
            Texts = texts;
            Scores = scores;
            Ids = ids;
            Count = count;
        }

        public double[][] Inputs { get; }

        public string?[][] Texts { get; }

        public double[] Scores { get; }

        public string?[]? Ids { get; }

        public int Count { get; }

        public static DecodedSlice Decode(MonitoredWindow window, TensorNames inputNames, TensorNames textNames, TensorNames outputNames, bool withScores, bool withIds)
        {
            var capacity = window.Rows.Count + window.Blocks.Sum(b => b.Rows.Count);
            var inputs = inputNames.Names.Select(_ => ArrayPool<double>.Shared.Rent(capacity)).ToArray();
            var texts = textNames.Names.Select(_ => new string?[capacity]).ToArray();
            var textColumns = new int[textNames.Names.Length];
            var scores = withScores ? ArrayPool<double>.Shared.Rent(capacity) : [];
            var ids = withIds ? new string?[capacity] : null;
            var sequences = new long[capacity];
            var count = 0;
            var columns = new int[inputNames.Names.Length];
            foreach (var block in window.Blocks)
            {
                // Names are matched once per block; then every row is a few indexed reads.
                for (int i = 0; i < columns.Length; i++)
                {
                    columns[i] = IndexOf(block.InputNames, inputNames.Names[i]);
                }

                for (int i = 0; i < textColumns.Length; i++)
                {
                    textColumns[i] = IndexOf(block.TextInputNames, textNames.Names[i]);
                }

                var scoreColumn = withScores ? IndexOf(block.OutputNames, outputNames.Names[0]) : -1;
                foreach (var row in block.Rows)
                {
                    if (block.Batch(row) != 1)
                    {
                        continue;
                    }

                    for (int i = 0; i < columns.Length; i++)
                    {
                        inputs[i][count] = columns[i] >= 0 ? block.Input(columns[i], row) : double.NaN;
                    }

                    for (int i = 0; i < textColumns.Length; i++)
                    {
                        texts[i][count] = textColumns[i] >= 0 ? block.Text(textColumns[i], row) : null;
                    }

                    if (withScores)
                    {
                        scores[count] = scoreColumn >= 0 ? block.Output(scoreColumn, row) : double.NaN;
                    }

                    if (ids is not null)
                    {
                        ids[count] = block.Id(row);
                    }

                    sequences[count++] = block.Sequence(row);
                }
            }

            var inputRow = new double[inputNames.Names.Length];
            var textRow = new string?[textNames.Names.Length];
            var outputRow = new double[1];
            var buffer = new ArrayBufferWriter<byte>(4096);
            foreach (var p in window.Rows)
            {
                int batch;
                if (p.Vector is { } vector)
                {
                    batch = ReadVector(vector.Span, inputNames, inputRow, outputNames, outputRow, textNames, textRow);
                }
                else
                {
                    batch = ReadFirst(p.InputsJson ?? "", inputNames, inputRow, textNames, textRow, buffer);
                    if (batch == 1 && withScores)
                    {
                        ReadFirst(p.OutputsJson ?? "", outputNames, outputRow, NoNames, [], buffer);
                    }
                }

                if (batch != 1)
                {
                    continue;
                }

                for (int i = 0; i < inputRow.Length; i++)
                {
                    inputs[i][count] = inputRow[i];
                }

                for (int i = 0; i < textRow.Length; i++)
                {
                    texts[i][count] = textRow[i];
                }

                if (withScores)
                {
                    scores[count] = outputRow[0];
                }

                if (ids is not null)
                {
                    ids[count] = p.Id;
                }

                sequences[count++] = p.Sequence;
            }

            if (window.Rows.Count > 0 && window.Blocks.Count > 0)
            {
                // Rows read one by one sit between blocks in the log: put everything back in log order.
                var order = Enumerable.Range(0, count).ToArray();
                Array.Sort(sequences, order, 0, count);
                foreach (var column in inputs)
                {
                    Permute(column, order, count);
                }

                foreach (var column in texts)
                {
                    Permute(column, order, count);
                }

                if (withScores)
                {
                    Permute(scores, order, count);
                }

                if (ids is not null)
                {
                    Permute(ids, order, count);
                }
            }

            return new DecodedSlice(inputs, texts, scores, ids, count);
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (int i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], name, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Returns the rented columns; the slice is not used afterwards.</summary>
        public void Return()
        {
            foreach (var column in Inputs)
            {
                ArrayPool<double>.Shared.Return(column);
            }

            if (Scores.Length > 0)
            {
                ArrayPool<double>.Shared.Return(Scores);
            }
        }

        private static void Permute<T>(T[] values, int[] order, int count)
        {
            var copy = values.AsSpan(0, count).ToArray();
            for (int i = 0; i < count; i++)
            {
                values[i] = copy[order[i]];
            }
        }
    }

    /// <summary>Reads a <see cref="FeatureVector"/> into both rows; returns its batch size, 0 when it is malformed.</summary>
    private static int ReadVector(
        ReadOnlySpan<byte> vector, TensorNames inputNames, double[] inputRow, TensorNames outputNames, double[] outputRow, TensorNames textNames, string?[] textRow)
    {
        Array.Fill(inputRow, double.NaN);
        Array.Fill(outputRow, double.NaN);
        Array.Fill(textRow, null);
        if (vector.Length < 7 || vector[0] != FeatureVector.Version)
        {
            return 0;
        }

        var batch = BinaryPrimitives.ReadInt32LittleEndian(vector[1..]);
        var at = 5;
        if (!ReadSection(vector, ref at, inputNames, inputRow) || !ReadSection(vector, ref at, outputNames, outputRow))
        {
            return 0;
        }

        if (textRow.Length > 0)
        {
            FeatureVector.TryReadText(vector, at, (name, value) =>
            {
                var index = textNames.Find(name, 0);
                if (index >= 0)
                {
                    textRow[index] = Encoding.UTF8.GetString(value);
                }
            });
        }

        return batch;
    }

    private static bool ReadSection(ReadOnlySpan<byte> vector, ref int at, TensorNames names, double[] row)
    {
        if (at >= vector.Length)
        {
            return false;
        }

        int count = vector[at++];
        var hint = 0;
        for (int e = 0; e < count; e++)
        {
            if (at >= vector.Length || at + 1 + vector[at] + 8 > vector.Length)
            {
                return false;
            }

            var name = vector.Slice(at + 1, vector[at]);
            at += 1 + name.Length;
            var index = names.Find(name, hint);
            if (index >= 0)
            {
                row[index] = BinaryPrimitives.ReadDoubleLittleEndian(vector[at..]);
                hint = index + 1;
            }

            at += 8;
        }

        return true;
    }

    /// <summary>
    /// Fills <paramref name="row"/> with element 0 of each wanted tensor (NaN when absent) and returns the batch size (first
    /// dimension of the first tensor's shape; 1 when unknown); 0 when the text is not a tensor array.
    /// </summary>
    private static int ReadFirst(string json, TensorNames names, double[] row, TensorNames textNames, string?[] textRow, ArrayBufferWriter<byte> buffer)
    {
        Array.Fill(row, double.NaN);
        Array.Fill(textRow, null);
        buffer.ResetWrittenCount();
        var written = Encoding.UTF8.GetBytes(json, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(json.Length)));
        buffer.Advance(written);
        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        try
        {
            return Scan(ref reader, names, row, textNames, textRow);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return 0;
        }
    }

    private static int Scan(ref Utf8JsonReader reader, TensorNames names, double[] row, TensorNames textNames, string?[] textRow)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return 0;
        }

        int batch = 1;
        bool first = true;
        int hint = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            int index = -1;
            int textIndex = -1;
            double value = double.NaN;
            string? text = null;
            bool hasValue = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    index = reader.TokenType == JsonTokenType.String ? names.Find(ref reader, hint) : -1;
                    textIndex = textRow.Length > 0 && reader.TokenType == JsonTokenType.String ? textNames.Find(ref reader, 0) : -1;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("shape"u8))
                {
                    reader.Read();
                    var (hasBatch, rows, _) = ArrayHead(ref reader);
                    if (first && hasBatch && rows >= 0 && rows <= int.MaxValue)
                    {
                        batch = (int)rows;
                    }
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    (hasValue, value, text) = ArrayHead(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            first = false;
            if (index >= 0 && hasValue)
            {
                row[index] = value;
                hint = index + 1;
            }

            if (textIndex >= 0 && hasValue)
            {
                textRow[textIndex] = text;
            }
        }

        return batch;
    }

    /// <summary>
    /// Element 0 of the array the reader is on (as <see cref="Number"/>, and as text when it is a string), leaving the reader
    /// on the array's end.
    /// </summary>
    private static (bool Has, double Value, string? Text) ArrayHead(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return (false, double.NaN, null);
        }

        var depth = reader.CurrentDepth;
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return (false, double.NaN, null);
        }

        var value = double.NaN;
        string? text = null;
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            reader.Skip();
        }
        else
        {
            value = Number(ref reader);
            text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }

        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
            }
        }

        return (true, value, text);
    }

    private static double Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.True => 1,
        JsonTokenType.False => 0,
        JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => double.NaN,
    };

    /// <summary>Wanted tensor names as UTF-8 with a position hint, since logged tensors keep the signature's order.</summary>
    private sealed class TensorNames(string[] names)
    {
        private readonly byte[][] _utf8 = names.Select(Encoding.UTF8.GetBytes).ToArray();

        public string[] Names { get; } = names;

        public int Find(ref Utf8JsonReader reader, int hint) =>
            reader.ValueIsEscaped ? Find(Encoding.UTF8.GetBytes(reader.GetString()!), hint) : Find(reader.ValueSpan, hint);

        public int Find(ReadOnlySpan<byte> name, int hint)
        {
            if (hint < _utf8.Length && name.SequenceEqual(_utf8[hint]))
            {
                return hint;
            }

            for (int i = 0; i < _utf8.Length; i++)
            {
                if (i != hint && name.SequenceEqual(_utf8[i]))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
