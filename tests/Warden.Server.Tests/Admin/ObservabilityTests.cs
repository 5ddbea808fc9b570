using System.Net;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

public sealed class ObservabilityTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task Metrics_expose_request_counts_and_latency_per_model_and_version()
    {
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        string text = "";
        for (var attempt = 0; attempt < 50 && !text.Contains("warden_inference_requests", StringComparison.Ordinal); attempt++)
        {
            text = await admin.GetStringAsync("/metrics");
            await Task.Delay(100);
        }

        Assert.Contains("warden_inference_requests", text, StringComparison.Ordinal);
        Assert.Contains("model=\"credit-risk\"", text, StringComparison.Ordinal);
        Assert.Contains("warden_inference_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("warden_prediction_log_queue_depth", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Made_up_model_names_are_counted_under_one_label_in_metrics_and_usage()
    {
        var admin = factory.Admin();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await admin.InferAsync(V2Requests.CreditRisk(), model: $"invented-{i}", version: $"v{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        string text = "";
        for (var attempt = 0; attempt < 50 && !text.Contains("(unregistered)", StringComparison.Ordinal); attempt++)
        {
            text = await admin.GetStringAsync("/metrics");
            await Task.Delay(100);
        }

        Assert.Contains("model=\"(unregistered)\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("invented-", text, StringComparison.Ordinal);
        var usage = await admin.GetStringAsync("/api/usage");
        Assert.DoesNotContain("invented-", usage, StringComparison.Ordinal);
        Assert.Contains("(unregistered)", usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_servers_metrics_survive_another_server_in_the_same_process_stopping()
    {
        // The SDK used to hand the second host's instruments this host's streams and, when it stopped, deactivate them.
        await using var first = new WardenFactory();
        var admin = first.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Contains("warden_inference_requests", await admin.GetStringAsync("/metrics"), StringComparison.Ordinal);
        await using (var second = new WardenFactory())
        {
            Assert.Equal(HttpStatusCode.OK, (await second.Admin().InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        await admin.GetStringAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.InferAsync(V2Requests.CreditRisk(), model: "after-the-other-stopped")).StatusCode);
        string text = "";
        for (var attempt = 0; attempt < 30 && !text.Contains("(unregistered)", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            text = await admin.GetStringAsync("/metrics");
        }

        Assert.Contains("model=\"(unregistered)\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_inference_and_admin_routes()
    {
        var document = await factory.Admin().GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v2/models/{model}/infer", document, StringComparison.Ordinal);
        Assert.Contains("/api/models/{model}/versions", document, StringComparison.Ordinal);
        Assert.Contains("/api/keys", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Committed_openapi_document_matches_the_served_one()
    {
        var served = await factory.Admin().GetStringAsync("/openapi/v1.json");
        var path = Warden.Tests.RepoFiles.Path("docs/openapi.json");
        if (Environment.GetEnvironmentVariable("WARDEN_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }

        Assert.True(File.Exists(path), "docs/openapi.json is missing; run the tests once with WARDEN_UPDATE_OPENAPI=1");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(path)), Normalize(served));
    }

    private static string Normalize(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString();
}
