using Warden.Core.Storage.Sql;
using Warden.Core.Monitoring;
using Warden.Core.Predictions;
using Warden.Storage.Sqlite;
using Warden.Core.Tensors;

namespace Warden.Core.Tests.Monitoring;

public sealed class LoggedColumnsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("warden-logged-columns");
    private readonly SqliteDatabase _database;
    private readonly SqlPredictionStore _store;
    private readonly DateTimeOffset _start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private int _next;

    public LoggedColumnsTests()
    {
        _database = new SqliteDatabase(Path.Combine(_directory.FullName, "w.db"));
        _store = new SqlPredictionStore(_database);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Columns_hold_element_zero_of_each_tensor_like_LoggedRow()
    {
        string[] payloads =
        [
            """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[1.5]},{"name":"b","datatype":"BOOL","shape":[1,1],"data":[true]}]""",
            """[{"data":[2.25],"shape":[1],"name":"a","datatype":"FP64"},{"name":"b","datatype":"BOOL","shape":[1],"data":[false]}]""",
            """[{"name":"b","datatype":"BYTES","shape":[1],"data":["3.5"]},{"name":"a","datatype":"BYTES","shape":[1],"data":["not a number"]}]""",
            """[{"name":"a","datatype":"FP32","shape":[1,2],"data":[[7,8]]},{"name":"c","datatype":"FP32","shape":[1],"data":[9]}]""",
            """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[]},{"name":"b","extra":{"x":[1,{"y":2}]},"shape":[1,1],"data":[4]}]""",
        ];
        foreach (var payload in payloads)
        {
            await WriteAsync(payload, """[{"name":"p","datatype":"FP32","shape":[1,1],"data":[0.25]}]""");
        }

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a", "b"], null, null, 100, includeIds: true, TestContext.Current.CancellationToken);

        Assert.Equal(5, columns.Count);
        for (int i = 0; i < payloads.Length; i++)
        {
            var row = LoggedRow.Parse(payloads[i]);
            Assert.Equal(row.Number("a"), columns.Columns.Find("a")!.Numbers![i]);
            Assert.Equal(row.Number("b"), columns.Columns.Find("b")!.Numbers![i]);
        }

        Assert.Null(columns.Scores);
    }

    [Fact]
    public async Task Batches_shadow_traffic_other_versions_and_malformed_payloads_are_skipped()
    {
        const string one = """[{"name":"a","datatype":"FP32","shape":[1,1],"data":[1]}]""";
        await WriteAsync(one, "[]");
        await WriteAsync("""[{"name":"a","datatype":"FP32","shape":[2,1],"data":[1,2]}]""", "[]");
        await WriteAsync(one, "[]", purpose: RolloutSettings.ShadowPurpose);
        await WriteAsync(one, "[]", version: "2");
        await WriteAsync("""[{"name":"a","shape":[1,1],"data":[1""", "[]");
        await WriteAsync("""{"name":"a"}""", "[]");
        await WriteAsync("""[{"name":"a","datatype":"FP32","shape":[1,1],"data":[3]}]""", "[]");

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], null, null, 100, includeIds: true, TestContext.Current.CancellationToken);

        Assert.Equal([1.0, 3.0], columns.Columns.Find("a")!.Numbers!);
        Assert.Equal(["p0", "p6"], columns.Ids);
    }

    [Fact]
    public async Task Score_output_is_read_from_the_outputs_and_max_rows_and_since_bound_the_window()
    {
        for (int i = 0; i < 30; i++)
        {
            await WriteAsync($$"""[{"name":"a","datatype":"FP32","shape":[1,1],"data":[{{i}}]}]""", $$"""[{"name":"label","datatype":"BOOL","shape":[1,1],"data":[true]},{"name":"p","datatype":"FP32","shape":[1,1],"data":[{{i / 100.0}}]}]""");
        }

        // Rows are one minute apart: since = start + 10 min keeps rows 10.., and maxRows keeps the oldest 5 of those.
        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a", "p"], "p", _start.AddMinutes(10), 5, includeIds: false, TestContext.Current.CancellationToken);

        Assert.Equal([10.0, 11, 12, 13, 14], columns.Columns.Find("a")!.Numbers!);
        Assert.Equal([0.10, 0.11, 0.12, 0.13, 0.14], columns.Scores!);
        Assert.Equal(columns.Scores, columns.Columns.Find("p")!.Numbers!);
    }

    [Fact]
    public async Task Feature_vectors_give_the_same_columns_as_the_json_payloads()
    {
        var random = new Random(5);
        var records = new List<PredictionRecord>();
        for (int i = 0; i < 200; i++)
        {
            var rows = i % 17 == 0 ? 2 : 1;
            records.Add(new PredictionRecord(
                $"v{i}", _start.AddSeconds(i), "m", "1", "k", i % 23 == 0 ? RolloutSettings.ShadowPurpose : null,
                [
                    new NamedTensor("x", TensorDatatype.Fp64, [rows, 1], Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 100).ToArray()),
                    new NamedTensor("n", TensorDatatype.Int64, [rows, 1], Enumerable.Range(0, rows).Select(_ => (long)random.Next(-5, 5)).ToArray()),
                    new NamedTensor("flag", TensorDatatype.Bool, [rows, 1], Enumerable.Range(0, rows).Select(_ => random.Next(2) == 1).ToArray()),
                    new NamedTensor("note", TensorDatatype.Bytes, [rows, 1], Enumerable.Range(0, rows).Select(_ => random.Next(3) == 0 ? "text" : "2.5").ToArray()),
                ],
                [new NamedTensor("p", TensorDatatype.Fp64, [rows, 1], Enumerable.Range(0, rows).Select(_ => random.NextDouble()).ToArray())],
                null, 1.0));
        }

        var stored = records.Select(PredictionSerializer.ToStored).ToList();
        Assert.All(stored, p => Assert.NotNull(p.Features));
        await _store.WriteBatchAsync(stored);
        using var plain = new LoggedColumnsTests();
        await plain._store.WriteBatchAsync(stored.Select(p => p with { Features = null }).ToList());

        string[] wanted = ["flag", "x", "missing", "note", "n", "p"];
        var fromVectors = await LoggedColumns.ReadAsync(_store, "m", "1", wanted, "p", null, 1000, includeIds: true, TestContext.Current.CancellationToken);
        var fromJson = await LoggedColumns.ReadAsync(plain._store, "m", "1", wanted, "p", null, 1000, includeIds: true, TestContext.Current.CancellationToken);

        Assert.Equal(fromJson.Ids, fromVectors.Ids);
        Assert.True(fromVectors.Count > 150);
        foreach (var name in wanted)
        {
            Assert.Equal(fromJson.Columns.Find(name)!.Numbers!, fromVectors.Columns.Find(name)!.Numbers!);
        }

        Assert.All(fromVectors.Columns.Find("missing")!.Numbers!, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public async Task Rows_logged_before_feature_vectors_existed_are_read_from_their_json_and_pages_continue_into_vectors()
    {
        for (int i = 0; i < 5; i++)
        {
            var record = new PredictionRecord($"r{i}", _start.AddMinutes(i), "m", "1", "k", null,
                [new NamedTensor("a", TensorDatatype.Fp64, [1, 1], new[] { (double)i })], [], null, 1.0);
            await _store.WriteBatchAsync([PredictionSerializer.ToStored(record)]);
        }

        // An upgraded database: its first two predictions have no monitoring row.
        await using (var connection = await _database.OpenAsync(TestContext.Current.CancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM prediction_feature_blocks WHERE first_seq <= 2";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        // A slice across the boundary: the legacy rows from JSON, then the columnar blocks.
        var first = await _store.QueryMonitoredAsync(new MonitoredQuery("m", "1", null, 0, 3, IncludeIds: true), TestContext.Current.CancellationToken);
        Assert.Equal(["r0", "r1"], first.Rows.Select(p => p.Id));
        Assert.All(first.Rows, p => Assert.NotNull(p.InputsJson));
        var block = Assert.Single(first.Blocks);
        Assert.Equal("r2", block.Id(Assert.Single(block.Rows)));
        Assert.Equal(3, block.Sequence(0));
        Assert.Equal(2.0, block.Input(0, 0));
        var second = await _store.QueryMonitoredAsync(new MonitoredQuery("m", "1", null, 3, 5, IncludeIds: false), TestContext.Current.CancellationToken);
        Assert.Empty(second.Rows);
        Assert.Equal([4L, 5L], second.Blocks.SelectMany(b => b.Rows.Select(b.Sequence)));
        Assert.All(second.Blocks, b => Assert.Null(b.Id(0)));
        Assert.Equal((1L, 5L), await _store.SequenceRangeAsync("m", null, TestContext.Current.CancellationToken));
        Assert.Equal((3L, 5L), await _store.SequenceRangeAsync("m", _start.AddMinutes(2), TestContext.Current.CancellationToken));
        Assert.Null(await _store.SequenceRangeAsync("other", null, TestContext.Current.CancellationToken));

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], null, null, 100, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([0.0, 1, 2, 3, 4], columns.Columns.Find("a")!.Numbers!);
    }

    [Fact]
    public async Task Rows_without_values_inside_a_block_are_read_from_json_and_merged_back_in_log_order()
    {
        var batch = Enumerable.Range(0, 9).Select(i =>
        {
            var stored = PredictionSerializer.ToStored(new PredictionRecord($"q{i}", _start.AddSeconds(i), "m", "1", "k", null,
                [new NamedTensor("a", TensorDatatype.Fp64, [1, 1], new[] { i * 1.5 })], [new NamedTensor("p", TensorDatatype.Fp64, [1, 1], new[] { i / 10.0 })], null, 1.0));
            return i % 3 == 1 ? stored with { Features = null } : stored;
        }).ToList();
        await _store.WriteBatchAsync(batch);

        var window = await _store.QueryMonitoredAsync(new MonitoredQuery("m", "1", null, 0, 9, IncludeIds: true), TestContext.Current.CancellationToken);
        Assert.Equal(["q1", "q4", "q7"], window.Rows.Select(r => r.Id));
        Assert.Equal([0, 2, 3, 5, 6, 8], Assert.Single(window.Blocks).Rows);

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], "p", null, 100, includeIds: true, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"q{i}"), columns.Ids!);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i * 1.5), columns.Columns.Find("a")!.Numbers!);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i / 10.0), columns.Scores!);
    }

    [Fact]
    public async Task Columns_grow_past_their_first_size_and_end_trimmed_to_the_rows_read()
    {
        var records = Enumerable.Range(0, 300).Select(i => PredictionSerializer.ToStored(new PredictionRecord($"g{i}", _start.AddSeconds(i), "m", i % 3 == 0 ? "2" : "1", "k", null,
            [new NamedTensor("a", TensorDatatype.Fp64, [1, 1], new[] { (double)i })], [new NamedTensor("p", TensorDatatype.Fp64, [1, 1], new[] { i / 1000.0 })], null, 1.0))).ToList();
        await _store.WriteBatchAsync(records);

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], "p", null, 1000, includeIds: true, initialRows: 7, TestContext.Current.CancellationToken);

        var expected = Enumerable.Range(0, 300).Where(i => i % 3 != 0).ToArray();
        Assert.Equal(200, columns.Count);
        Assert.Equal(expected.Select(i => (double)i), columns.Columns.Find("a")!.Numbers!);
        Assert.Equal(expected.Select(i => i / 1000.0), columns.Scores!);
        Assert.Equal(expected.Select(i => $"g{i}"), columns.Ids!);
    }

    [Fact]
    public async Task Blocks_in_the_row_layout_of_older_databases_are_still_read()
    {
        // Layout 1, as the previous release wrote it: per row seq, time, flags (2 = has vector), id and the feature vector.
        var stream = new MemoryStream();
        for (int i = 0; i < 3; i++)
        {
            var vector = FeatureVector.Encode([new NamedTensor("a", TensorDatatype.Fp64, [1, 1], new[] { 10.0 + i })], [])!;
            var id = System.Text.Encoding.UTF8.GetBytes($"old{i}");
            var header = new byte[18];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(header, i + 1);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), _start.AddSeconds(i).ToUnixTimeMilliseconds());
            header[16] = 2;
            header[17] = (byte)id.Length;
            stream.Write(header);
            stream.Write(id);
            stream.Write(BitConverter.GetBytes((ushort)vector.Length));
            stream.Write(vector);
        }

        await using (var connection = await _database.OpenAsync(TestContext.Current.CancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                "INSERT INTO predictions (seq, id, time, model, version, key_id, purpose, inputs, outputs, sensitive, latency_ms) " +
                "SELECT 1, 'old0', 0, 'm', '1', 'k', NULL, '[]', '[]', NULL, 1 UNION ALL SELECT 3, 'old2', 0, 'm', '1', 'k', NULL, '[]', '[]', NULL, 1;" +
                "INSERT INTO prediction_feature_blocks (block_id, model, version, first_seq, last_seq, max_time, payload_key, block) " +
                "VALUES ('m/1/1', 'm', '1', 1, 3, $max, NULL, $block)";
            command.Parameters.AddWithValue("$max", _start.AddSeconds(2).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$block", stream.ToArray());
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var columns = await LoggedColumns.ReadAsync(_store, "m", "1", ["a"], null, null, 100, includeIds: true, TestContext.Current.CancellationToken);
        Assert.Equal(["old0", "old1", "old2"], columns.Ids!);
        Assert.Equal([10.0, 11, 12], columns.Columns.Find("a")!.Numbers!);
    }

    [Fact]
    public async Task Text_inputs_read_the_same_from_blocks_and_json_and_rows_logged_without_text_read_as_missing()
    {
        string[] categories = ["Male", "Female", "02", "é-ü", new string('x', FeatureVector.MaxTextBytes + 1)];
        var records = new List<PredictionRecord>();
        for (int i = 0; i < 60; i++)
        {
            records.Add(new PredictionRecord(
                $"t{i}", _start.AddSeconds(i), "m", "1", "k", null,
                [
                    new NamedTensor("sex", TensorDatatype.Bytes, [1, 1], new[] { categories[i % categories.Length] }),
                    new NamedTensor("age", TensorDatatype.Fp32, [1, 1], new[] { (float)i }),
                ],
                [new NamedTensor("p", TensorDatatype.Fp32, [1, 1], new[] { 0.5f })],
                null, 1.0));
        }

        var stored = records.Select(PredictionSerializer.ToStored).ToList();

        // Every fourth row as logged before text columns existed: its vector has no text section.
        stored = stored.Select((p, i) => i % 4 == 3 ? p with { Features = FeatureVector.Encode([records[i].Inputs[1]], records[i].Outputs) } : p).ToList();
        await _store.WriteBatchAsync(stored);
        using var plain = new LoggedColumnsTests();
        await plain._store.WriteBatchAsync(stored.Select(p => p with { Features = null }).ToList());
        var text = new HashSet<string> { "sex" };

        var fromBlocks = await LoggedColumns.ReadAsync(_store, "m", "1", ["sex", "age"], text, null, null, 1000, includeIds: false, TestContext.Current.CancellationToken);
        var fromJson = await LoggedColumns.ReadAsync(plain._store, "m", "1", ["sex", "age"], text, null, null, 1000, includeIds: false, TestContext.Current.CancellationToken);

        var expected = Enumerable.Range(0, 60).Select(i => categories[i % categories.Length]).ToArray();
        Assert.Equal(expected, fromJson.Columns.Find("sex")!.Labels!);
        Assert.Equal(
            expected.Select((c, i) => i % 4 == 3 || c.Length > FeatureVector.MaxTextBytes ? null : c),
            fromBlocks.Columns.Find("sex")!.Labels!);
        Assert.Equal(fromJson.Columns.Find("age")!.Numbers!, fromBlocks.Columns.Find("age")!.Numbers!);
    }

    [Fact]
    public void Feature_vector_is_left_out_when_a_name_is_too_long_for_its_length_byte()
    {
        NamedTensor Tensor(string name) => new(name, TensorDatatype.Fp32, [1, 1], new[] { 1f });
        Assert.NotNull(FeatureVector.Encode([Tensor(new string('a', 255))], []));
        Assert.Null(FeatureVector.Encode([Tensor(new string('a', 256))], []));
        Assert.NotNull(FeatureVector.Encode(Enumerable.Range(0, 255).Select(i => Tensor($"feature_{i}")).ToList(), []));
        Assert.Null(FeatureVector.Encode(Enumerable.Range(0, 256).Select(i => Tensor($"f{i}")).ToList(), []));
    }

    private Task WriteAsync(string inputs, string outputs, string version = "1", string? purpose = null)
    {
        var i = _next++;
        return _store.WriteBatchAsync([new StoredPrediction(0, $"p{i}", _start.AddMinutes(i), "m", version, "k", purpose, inputs, outputs, null, 1.0)]);
    }
}
