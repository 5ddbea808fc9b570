using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Bundles;
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
}
