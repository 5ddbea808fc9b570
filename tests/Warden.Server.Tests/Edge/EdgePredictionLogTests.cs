using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Warden.Contracts.Edge;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Server.Tests.Infrastructure;
using Bed = Warden.Server.Tests.Edge.EdgeTestBed;

namespace Warden.Server.Tests.Edge;

/// <summary>Edge predictions are predictions: the server's prediction log and usage counts see them, marked with the device.</summary>
public sealed class EdgePredictionLogTests
{
    [Fact]
    public async Task Edge_predictions_reach_the_servers_prediction_log_and_usage_marked_with_the_device_after_the_cards_redaction()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var server = await bed.StartServerAsync();

        // A card that drops lvrat and hashes pirat; the device holds no hashing key, so pirat is dropped too (fail closed).
        var model = Path.Combine(bed.Root, "model");
        Directory.CreateDirectory(model);
        foreach (var file in Directory.GetFiles(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1")))
        {
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        }

        var card = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(model, "card.json"), ct))!;
        foreach (var feature in card["features"]!.AsArray())
        {
            feature!["redaction"] = feature["name"]!.GetValue<string>() switch { "lvrat" => "drop", "pirat" => "hash", _ => "keep" };
        }

        await File.WriteAllTextAsync(Path.Combine(model, "card.json"), card.ToJsonString(), ct);
        var bundle = new BundlePacker(TimeProvider.System).Pack(ModelDirectoryBundle.Read(model, "credit-risk"),
            new BundlePackOptions { Model = "credit-risk", Version = "1", BundleId = "cr-redacted", Channel = "stable" }, bed.Signer);
        using (var admin = Bed.Client(server))
        using (var upload = new ByteArrayContent(bundle))
        {
            upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            (await admin.PostAsync("edge/bundles", upload, ct)).EnsureSuccessStatusCode();
        }

        var agent = bed.Agent("device-1");
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        using var local = Bed.Client(agent.Address!, key: null);
        var request = V2Requests.CreditRisk(id: "edge-r1", parameters: new JsonObject { ["purpose"] = "underwriting", ["sensitive.afam"] = "yes" });
        var (status, answer) = await Bed.InferAsync(local, "credit-risk", request);
        Assert.Equal(200, status);
        Assert.Equal("edge", answer.GetProperty("parameters").GetProperty("answered_by").GetString());
        Assert.True(await agent.UploadTelemetryAsync(ct));

        using var auditor = Bed.Client(server);
        var log = JsonDocument.Parse(await auditor.GetStringAsync("api/predictions?model=credit-risk", ct)).RootElement;
        var logged = Assert.Single(log.GetProperty("items").EnumerateArray(), p => p.GetProperty("keyId").GetString() == "edge:device-1:edge-local");
        Assert.Equal("edge-r1", logged.GetProperty("id").GetString());
        Assert.Equal("1", logged.GetProperty("version").GetString());
        Assert.Equal("underwriting", logged.GetProperty("purpose").GetString());
        Assert.Equal("yes", logged.GetProperty("sensitive").GetProperty("afam").GetString());
        var inputs = logged.GetProperty("inputs").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Equal(V2Requests.CreditRiskInputs.Except(["lvrat", "pirat"]), inputs);
        var hirat = logged.GetProperty("inputs").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "hirat");
        Assert.Equal(0.221, hirat.GetProperty("data")[0].GetDouble(), 5);

        // The logged outputs are the ones the caller got.
        var answered = answer.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data").GetRawText());
        var stored = logged.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data").GetRawText());
        Assert.Equal(answered, stored);

        var usage = JsonDocument.Parse(await auditor.GetStringAsync("api/usage?key=edge:device-1:edge-local", ct)).RootElement;
        Assert.Equal(1, usage.GetProperty("totals").GetProperty("requests").GetInt64());
        Assert.Equal("underwriting", Assert.Single(usage.GetProperty("buckets").EnumerateArray()).GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task An_edge_record_carries_the_feature_vector_drift_reads_and_counts_in_the_hour_the_device_answered()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var server = await bed.StartServerAsync();
        await bed.PackAndUploadAsync("credit-risk:1");
        var agent = bed.Agent("device-1");
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        using var local = Bed.Client(agent.Address!, key: null);
        using var admin = Bed.Client(server);
        var (status, answer) = await Bed.InferAsync(local, "credit-risk", V2Requests.CreditRisk(id: "edge-v1"));
        Assert.Equal(200, status);

        // The same prediction as a device answered it 30 hours ago and reported it only now (a new epoch, signed by the device).
        var answeredAt = DateTimeOffset.UtcNow.AddHours(-30);
        var old = JsonNode.Parse(agent.Telemetry.Peek(1)[0].Data!.Value.GetRawText())!.AsObject();
        old["id"] = "edge-old";
        old["time"] = answeredAt;
        var batch = JsonSerializer.SerializeToUtf8Bytes(new TelemetryBatch
        {
            DeviceId = "device-1",
            Epoch = "offline",
            Records = [new TelemetryRecord { Sequence = 1, Time = answeredAt, Kind = "prediction", Data = JsonSerializer.SerializeToElement(old) }],
        }, JsonSerializerOptions.Web);
        using (var content = new ByteArrayContent(batch))
        using (var signer = DeviceSignature.SigningKey(bed.Device))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Headers.Add(DeviceSignature.Header, DeviceSignature.Sign(signer, batch));
            (await admin.PostAsync("edge/telemetry", content, ct)).EnsureSuccessStatusCode();
        }

        Assert.True(await agent.UploadTelemetryAsync(ct));

        // Drift and quality windows read the feature blocks built from the vector: the edge record is in one (not read back
        // from its JSON), with element 0 of every input as the FP32 the caller sent, widened, and of every output as answered.
        var store = bed.ServerServices.GetRequiredService<IPredictionStore>();
        var window = await store.QueryMonitoredAsync(new MonitoredQuery("credit-risk", "1", null, 0, long.MaxValue, IncludeIds: true), ct);
        Assert.DoesNotContain(window.Rows, r => r.Id == "edge-v1");
        var (block, row) = window.Blocks.SelectMany(b => b.Rows.Select(r => (Block: b, Row: r))).Single(x => x.Block.Id(x.Row) == "edge-v1");
        Assert.Equal(V2Requests.CreditRiskInputs, block.InputNames);
        for (var i = 0; i < V2Requests.CreditRiskInputs.Length; i++)
        {
            Assert.Equal((double)(float)V2Requests.Applicant[i], block.Input(i, row));
        }

        foreach (var output in answer.GetProperty("outputs").EnumerateArray())
        {
            var column = block.OutputNames.ToList().IndexOf(output.GetProperty("name").GetString()!);
            var first = output.GetProperty("data")[0];
            var expected = first.ValueKind == JsonValueKind.True ? 1 : first.ValueKind == JsonValueKind.False ? 0 : (double)first.GetSingle();
            if (output.GetProperty("datatype").GetString() is "INT64" or "INT32")
            {
                expected = first.GetInt64();
            }

            Assert.True(column >= 0, $"output {output.GetProperty("name")} is not in the block");
            Assert.Equal(expected, block.Output(column, row));
        }

        // Usage counts the reported prediction in the hour it was answered, not the hour it arrived.
        var usage = JsonDocument.Parse(await admin.GetStringAsync("api/usage?key=edge:device-1:edge-local&since=48h", ct)).RootElement;
        var buckets = usage.GetProperty("buckets").EnumerateArray()
            .ToDictionary(b => b.GetProperty("bucket").GetDateTimeOffset(), b => b.GetProperty("requests").GetInt64());
        var answeredHour = DateTimeOffset.FromUnixTimeSeconds(answeredAt.ToUnixTimeSeconds() / 3600 * 3600);
        Assert.Equal(1, buckets[answeredHour]);
        Assert.Equal(2, buckets.Values.Sum());
    }
}
