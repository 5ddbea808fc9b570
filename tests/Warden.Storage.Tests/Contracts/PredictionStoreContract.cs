using Microsoft.Extensions.Options;
using Warden.Core.Feedback;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using Warden.Core.Storage.Sql;
using Warden.Core.Tensors;
using Warden.Tests;

namespace Warden.Storage.Tests.Contracts;

public abstract class PredictionStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    internal static StoredPrediction Prediction(string id, int i, string model = "credit-risk", string version = "1", bool features = true) =>
        new(0, id, T0.AddSeconds(i), model, version, "key_p", i % 2 == 0 ? null : "scoring", $"{{\"x\":{i}}}", $"{{\"y\":{i}}}", null, 1.5)
        {
            Features = features
                ? FeatureVector.Encode([new NamedTensor("x", TensorDatatype.Fp64, [1, 1], new[] { (double)i })], [new NamedTensor("y", TensorDatatype.Fp64, [1, 1], new[] { i * 2.0 })])
                : null,
        };

    [Fact]
    public async Task A_batch_gets_consecutive_sequence_numbers_and_reads_back_in_log_order()
    {
        var store = Backend.Predictions();
        await store.WriteBatchAsync([Prediction("p1", 1), Prediction("p2", 2), Prediction("p3", 3, model: "other")], Ct);
        await store.WriteBatchAsync([Prediction("p4", 4)], Ct);

        var all = await store.QueryAsync(new PredictionQuery(Limit: 10), Ct);
        Assert.Equal(["p1", "p2", "p3", "p4"], all.Select(p => p.Id));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => all[0].Sequence + i), all.Select(p => p.Sequence));
        var p2 = all[1];
        Assert.Equal(("credit-risk", "1", "key_p", (string?)null, "{\"x\":2}", "{\"y\":2}", 1.5, T0.AddSeconds(2)),
            (p2.Model, p2.Version, p2.KeyId, p2.Purpose, p2.InputsJson, p2.OutputsJson, p2.LatencyMs, p2.Time));
        Assert.Equal("scoring", all[0].Purpose);

        var page = await store.QueryAsync(new PredictionQuery("credit-risk", T0.AddSeconds(2), all[0].Sequence, 1), Ct);
        Assert.Equal(["p2"], page.Select(p => p.Id));
        Assert.Equal(3, await store.CountAsync("credit-risk", Ct));
        Assert.Equal(4, await store.CountAsync(cancellationToken: Ct));
        Assert.Equal((all[0].Sequence, all[3].Sequence), await store.SequenceRangeAsync("credit-risk", null, Ct));
        Assert.Equal((all[3].Sequence, all[3].Sequence), await store.SequenceRangeAsync("credit-risk", T0.AddSeconds(4), Ct));
        Assert.Null(await store.SequenceRangeAsync("nope", null, Ct));
    }

    [Fact]
    public async Task Concurrent_writers_never_interleave_a_batch()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var store = Backend.Predictions();
            for (var b = 0; b < 5; b++)
            {
                await store.WriteBatchAsync(Enumerable.Range(0, 10).Select(i => Prediction($"w{w}-b{b}-{i}", i)).ToList(), Ct);
            }
        }, Ct)));

        var all = await Backend.Predictions().QueryAsync(new PredictionQuery(Limit: 1000), Ct);
        Assert.Equal(200, all.Count);
        Assert.Equal(all.Select(p => p.Sequence).Distinct().Count(), all.Count);
        foreach (var batch in all.Chunk(10))
        {
            Assert.Single(batch.Select(p => p.Id[..p.Id.LastIndexOf('-')]).Distinct());
        }
    }

    [Fact]
    public async Task Monitoring_reads_feature_columns_and_the_json_of_rows_without_them()
    {
        var store = Backend.Predictions();
        await store.WriteBatchAsync([Prediction("p1", 1), Prediction("p2", 2), Prediction("p3", 3, features: false), Prediction("p4", 4, version: "2")], Ct);
        var range = await store.SequenceRangeAsync("credit-risk", null, Ct);
        Assert.NotNull(range);

        var window = await store.QueryMonitoredAsync(new MonitoredQuery("credit-risk", "1", null, range.Value.First - 1, range.Value.Last, true), Ct);
        var block = Assert.Single(window.Blocks);
        Assert.Equal(["x"], block.InputNames);
        Assert.Equal([1.0, 2.0], block.Rows.Select(r => block.Input(0, r)));
        Assert.Equal([2.0, 4.0], block.Rows.Select(r => block.Output(0, r)));
        Assert.Equal(["p1", "p2"], block.Rows.Select(block.Id));
        var row = Assert.Single(window.Rows);
        Assert.Equal(("p3", "{\"x\":3}"), (row.Id, row.InputsJson));

        var since = await store.QueryMonitoredAsync(new MonitoredQuery("credit-risk", "1", T0.AddSeconds(2), range.Value.First - 1, range.Value.Last, false), Ct);
        Assert.Equal([2.0], since.Blocks.SelectMany(b => b.Rows.Select(r => b.Input(0, r))));
    }

    [Fact]
    public async Task Compact_tensors_of_every_datatype_read_back_as_v2_json_through_queries_feedback_and_monitoring()
    {
        var tensors = SomeTensors.EveryDatatype();
        var record = new PredictionRecord("c1", T0, "images", "1", "key_p", null, tensors, tensors, null, 2.5);
        var compact = PredictionSerializer.ToStored(record, new PredictionLogOptions { CompactTensorElements = 1 });
        Assert.Contains("\"raw_data\":", compact.InputsJson, StringComparison.Ordinal);
        var v2 = PredictionSerializer.Tensors(tensors);

        // c2 has no monitoring vector, so monitoring reads its payloads; "old" was written as V2 JSON, as before compact
        // tensors existed.
        var store = Backend.Predictions();
        await store.WriteBatchAsync(
            [compact, compact with { Id = "c2", Features = null }, PredictionSerializer.ToStored(record with { Id = "old" }) with { Features = null }], Ct);

        await AssertReadBackAsV2Async(store, "images", ["c1", "c2", "old"], ["c2", "old"], v2, v2);
    }

    // Every reader of a model's rows (queries, labeled predictions, monitoring's JSON rows) gets the V2 JSON given; the first
    // row is labeled for the feedback join. Returns the monitoring window.
    private async Task<MonitoredWindow> AssertReadBackAsV2Async(
        Warden.Core.Storage.IPredictionStore store, string model, string[] ids, string[] monitoredFromJson, string inputs, string outputs)
    {
        var read = await store.QueryAsync(new PredictionQuery(model, Limit: 10), Ct);
        Assert.Equal(ids, read.Select(p => p.Id));
        Assert.All(read, p => Assert.Equal((inputs, outputs), (p.InputsJson, p.OutputsJson)));

        await Backend.Feedback().UpsertAsync([new FeedbackRecord(model, ids[0], "1", "api", "key_p", T0)], Ct);
        var labeled = Assert.Single(await Backend.Feedback().QueryLabeledAsync(model, null, 10, Ct));
        Assert.Equal((inputs, outputs), (labeled.Prediction.InputsJson, labeled.Prediction.OutputsJson));

        var range = await store.SequenceRangeAsync(model, null, Ct);
        var window = await store.QueryMonitoredAsync(new MonitoredQuery(model, "1", null, range!.Value.First - 1, range.Value.Last, true), Ct);
        Assert.Equal(monitoredFromJson, window.Rows.Select(r => r.Id));
        Assert.All(window.Rows, r => Assert.Equal((inputs, outputs), (r.InputsJson, r.OutputsJson)));
        return window;
    }

    [Fact]
    public async Task Packed_tabular_rows_read_back_as_v2_json_beside_rows_stored_as_json_sealed_or_not()
    {
        var key = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray());
        using var cipher = new PayloadCipher(Options.Create(new PrivacyOptions
        {
            Encryption = new PayloadProtectionOptions { ActiveKeyId = 1, Keys = new Dictionary<string, string> { ["1"] = key } },
        }));
        NamedTensor[] outputs = [new("label", TensorDatatype.Int64, [1], new[] { 1L }), new("probabilities", TensorDatatype.Fp32, [1, 2], new[] { 0.25f, 0.75f })];
        var record = new PredictionRecord("t1", T0, "tabular", "1", "key_p", null, SomeTensors.TabularRow(), outputs, null, 0.5);
        var packed = PredictionSerializer.ToStored(record, new PredictionLogOptions());
        Assert.StartsWith("~1", packed.InputsJson, StringComparison.Ordinal);
        var (inputs, output) = (PredictionSerializer.Tensors(record.Inputs), PredictionSerializer.Tensors(outputs));

        // t2 has no monitoring vector, so monitoring reads its payloads; "old" was stored as JSON, as every row was before;
        // "sealed" goes through payload encryption.
        await Backend.Predictions().WriteBatchAsync(
            [packed, packed with { Id = "t2", Features = null }, PredictionSerializer.ToStored(record with { Id = "old" }) with { Features = null }], Ct);
        await new SqlPredictionStore(Backend.Shared, cipher).WriteBatchAsync([packed with { Id = "sealed", Features = null }], Ct);

        var window = await AssertReadBackAsV2Async(new SqlPredictionStore(Backend.Shared, cipher), "tabular", ["t1", "t2", "old", "sealed"], ["t2", "old", "sealed"], inputs, output);
        Assert.Equal([0.221f], window.Blocks.SelectMany(b => b.Rows.Select(r => (float)b.Input(0, r))));
    }

    [Fact]
    public async Task Compact_tensors_read_back_as_v2_json_when_payloads_are_encrypted()
    {
        var key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
        using var cipher = new PayloadCipher(Options.Create(new PrivacyOptions
        {
            Encryption = new PayloadProtectionOptions { ActiveKeyId = 1, Keys = new Dictionary<string, string> { ["1"] = key } },
        }));
        var tensors = SomeTensors.EveryDatatype();
        var record = new PredictionRecord("e1", T0, "images", "1", "key_p", null, tensors, tensors, null, 2.5);
        var store = new SqlPredictionStore(Backend.Shared, cipher);
        await store.WriteBatchAsync([PredictionSerializer.ToStored(record, new PredictionLogOptions { CompactTensorElements = 1 }) with { Features = null }], Ct);

        var read = Assert.Single(await store.QueryAsync(new PredictionQuery("images", Limit: 10), Ct));
        Assert.Equal(PredictionSerializer.Tensors(tensors), read.InputsJson);
        var range = await store.SequenceRangeAsync("images", null, Ct);
        var row = Assert.Single((await store.QueryMonitoredAsync(new MonitoredQuery("images", "1", null, range!.Value.First - 1, range.Value.Last, true), Ct)).Rows);
        Assert.Equal(PredictionSerializer.Tensors(tensors), row.OutputsJson);
    }

    [Fact]
    public async Task Monitoring_blocks_carry_text_inputs_and_blocks_written_without_them_still_read()
    {
        StoredPrediction WithText(string id, int i, string? colour) => Prediction(id, i) with
        {
            Features = FeatureVector.Encode(
                colour is null
                    ? [new NamedTensor("x", TensorDatatype.Fp64, [1, 1], new[] { (double)i })]
                    : [new NamedTensor("x", TensorDatatype.Fp64, [1, 1], new[] { (double)i }), new NamedTensor("colour", TensorDatatype.Bytes, [1, 1], new[] { colour })],
                [new NamedTensor("y", TensorDatatype.Fp64, [1, 1], new[] { i * 2.0 })]),
        };

        var store = Backend.Predictions();

        // A batch as written before text columns existed (no BYTES input in the vectors), then one with a category per row
        // and a row whose vector has no text section.
        await store.WriteBatchAsync([Prediction("old1", 1), Prediction("old2", 2)], Ct);
        await store.WriteBatchAsync([WithText("n1", 3, "Black"), WithText("n2", 4, null), WithText("n3", 5, "Whîte")], Ct);
        var range = await store.SequenceRangeAsync("credit-risk", null, Ct);

        var window = await store.QueryMonitoredAsync(new MonitoredQuery("credit-risk", "1", null, range!.Value.First - 1, range.Value.Last, false), Ct);
        Assert.Equal(2, window.Blocks.Count);
        var old = window.Blocks[0];
        Assert.Empty(old.TextInputNames);
        Assert.Equal([1.0, 2.0], old.Rows.Select(r => old.Input(0, r)));
        var block = window.Blocks[1];
        Assert.Equal(["colour"], block.TextInputNames);
        Assert.Equal(["Black", null, "Whîte"], block.Rows.Select(r => block.Text(0, r)));
        Assert.Equal([3.0, 4.0, 5.0], block.Rows.Select(r => block.Input(0, r)));
    }

    [Fact]
    public async Task Prune_by_age_deletes_older_rows_of_that_model_only_with_their_monitoring_blocks()
    {
        var store = Backend.Predictions();
        await store.WriteBatchAsync([Prediction("a1", 1), Prediction("a2", 2), Prediction("o1", 1, model: "other")], Ct);
        await store.WriteBatchAsync([Prediction("a3", 3), Prediction("a4", 4)], Ct);

        var (deleted, through) = await store.PruneAsync("credit-risk", T0.AddSeconds(3), null, null, 1000, Ct);

        Assert.Equal(2, deleted);
        var left = await store.QueryAsync(new PredictionQuery(Limit: 10), Ct);
        Assert.Equal(["o1", "a3", "a4"], left.Select(p => p.Id));
        Assert.True(through < left.Single(p => p.Id == "a3").Sequence);
        var range = await store.SequenceRangeAsync("credit-risk", null, Ct);
        var window = await store.QueryMonitoredAsync(new MonitoredQuery("credit-risk", "1", null, 0, range!.Value.Last, true), Ct);
        Assert.Equal(["a3", "a4"], window.Blocks.SelectMany(b => b.Rows.Select(b.Id)));
    }

    [Fact]
    public async Task Prune_by_count_and_by_bytes_keeps_the_newest_rows()
    {
        var store = Backend.Predictions();
        await store.WriteBatchAsync(Enumerable.Range(1, 6).Select(i => Prediction($"c{i}", i)).ToList(), Ct);

        Assert.Equal(2, (await store.PruneAsync("credit-risk", null, 4, null, 1000, Ct)).Deleted);
        Assert.Equal(["c3", "c4", "c5", "c6"], (await store.QueryAsync(new PredictionQuery(Limit: 10), Ct)).Select(p => p.Id));

        // Each row stores {"x":i} and {"y":i}: 14 characters; a 30-byte budget holds the newest two.
        Assert.Equal(2, (await store.PruneAsync("credit-risk", null, null, 30, 1000, Ct)).Deleted);
        Assert.Equal(["c5", "c6"], (await store.QueryAsync(new PredictionQuery(Limit: 10), Ct)).Select(p => p.Id));
        Assert.Equal((0L, 0L), await store.PruneAsync("credit-risk", null, 2, 30, 1000, Ct));
    }

    [Fact]
    public async Task Prune_deletes_at_most_the_given_number_oldest_first()
    {
        var store = Backend.Predictions();
        await store.WriteBatchAsync(Enumerable.Range(1, 5).Select(i => Prediction($"m{i}", i)).ToList(), Ct);

        Assert.Equal(2, (await store.PruneAsync("credit-risk", T0.AddDays(1), null, null, 2, Ct)).Deleted);
        Assert.Equal(["m3", "m4", "m5"], (await store.QueryAsync(new PredictionQuery(Limit: 10), Ct)).Select(p => p.Id));
    }
}
