using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>
/// Triton's statistics extension (docs/protocol/extension_statistics.md): <c>model_stats</c> entries with name, version,
/// last_inference, inference_count (requests counted by batch size), execution_count, inference_stats and batch_stats,
/// every duration a <c>{count, ns}</c> pair. Each test has its own server so the counts are its own.
/// </summary>
public sealed class StatisticsExtensionTests
{
    private static readonly string[] DurationStats = ["success", "fail", "queue", "compute_input", "compute_infer", "compute_output", "cache_hit"];

    [Fact]
    public async Task Stats_count_requests_by_batch_size_and_executions_per_batch_size()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(TwoRows())).StatusCode);
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await admin.GetAsync("/v2/models/credit-risk/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stat = Assert.Single((await response.ReadJsonAsync()).GetProperty("model_stats").EnumerateArray());
        Assert.Equal("credit-risk", stat.GetProperty("name").GetString());
        Assert.Equal("1", stat.GetProperty("version").GetString());
        Assert.InRange(stat.GetProperty("last_inference").GetInt64(), before, after);
        Assert.Equal(5, stat.GetProperty("inference_count").GetInt64());
        Assert.Equal(4, stat.GetProperty("execution_count").GetInt64());
        var inference = stat.GetProperty("inference_stats");
        Assert.Equal(4, inference.GetProperty("success").GetProperty("count").GetInt64());
        Assert.True(inference.GetProperty("success").GetProperty("ns").GetInt64() > 0);
        Assert.Equal(0, inference.GetProperty("fail").GetProperty("count").GetInt64());
        Assert.Equal(4, inference.GetProperty("queue").GetProperty("count").GetInt64());
        Assert.Equal(4, inference.GetProperty("compute_infer").GetProperty("count").GetInt64());
        Assert.True(inference.GetProperty("compute_infer").GetProperty("ns").GetInt64() > 0);

        var batches = stat.GetProperty("batch_stats").EnumerateArray().ToDictionary(b => b.GetProperty("batch_size").GetInt64());
        Assert.Equal([1L, 2L], batches.Keys.Order());
        Assert.Equal(3, batches[1].GetProperty("compute_infer").GetProperty("count").GetInt64());
        Assert.Equal(1, batches[2].GetProperty("compute_infer").GetProperty("count").GetInt64());

        // The per-batch-size durations add up to the version's totals.
        foreach (var name in new[] { "compute_input", "compute_infer", "compute_output" })
        {
            Assert.Equal(inference.GetProperty(name).GetProperty("ns").GetInt64(), batches.Values.Sum(b => b.GetProperty(name).GetProperty("ns").GetInt64()));
        }
    }

    [Fact]
    public async Task A_refused_request_counts_as_a_failure_and_not_as_an_inference()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var bad = V2Requests.CreditRisk();
        bad["inputs"]![0]!["datatype"] = "FP64";
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.InferAsync(bad)).StatusCode);
        var stat = Assert.Single((await (await admin.GetAsync("/v2/models/credit-risk/versions/1/stats")).ReadJsonAsync()).GetProperty("model_stats").EnumerateArray());
        Assert.Equal(1, stat.GetProperty("inference_stats").GetProperty("fail").GetProperty("count").GetInt64());
        Assert.Equal(0, stat.GetProperty("inference_stats").GetProperty("success").GetProperty("count").GetInt64());
        Assert.Equal(0, stat.GetProperty("inference_count").GetInt64());
        Assert.Equal(0, stat.GetProperty("execution_count").GetInt64());
    }

    [Theory]
    [InlineData("/v2/models/stats")]
    [InlineData("/v2/models/credit-risk/stats")]
    [InlineData("/v2/models/credit-risk/versions/1/stats")]
    public async Task Every_stats_url_answers_the_documented_fields(string url)
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        var response = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["model_stats"], body.EnumerateObject().Select(p => p.Name));
        var stat = body.GetProperty("model_stats").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "credit-risk");
        Assert.Equal(["name", "version", "last_inference", "inference_count", "execution_count", "inference_stats", "batch_stats"], stat.EnumerateObject().Select(p => p.Name));
        Assert.Equal(DurationStats, stat.GetProperty("inference_stats").EnumerateObject().Select(p => p.Name));
        foreach (var duration in stat.GetProperty("inference_stats").EnumerateObject())
        {
            Assert.Equal(["count", "ns"], duration.Value.EnumerateObject().Select(p => p.Name));
        }

        var batch = Assert.Single(stat.GetProperty("batch_stats").EnumerateArray());
        Assert.Equal(["batch_size", "compute_input", "compute_infer", "compute_output"], batch.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_version_without_activity_reports_zeros()
    {
        using var factory = new WardenFactory();
        var stat = Assert.Single((await (await factory.Admin().GetAsync("/v2/models/credit-risk/versions/1/stats")).ReadJsonAsync()).GetProperty("model_stats").EnumerateArray());
        Assert.Equal(0, stat.GetProperty("last_inference").GetInt64());
        Assert.Equal(0, stat.GetProperty("inference_count").GetInt64());
        Assert.Empty(stat.GetProperty("batch_stats").EnumerateArray());
    }

    [Theory]
    [InlineData("/v2/models/no-such-model/stats", "no-such-model")]
    [InlineData("/v2/models/credit-risk/versions/99/stats", "version '99'")]
    public async Task Stats_of_an_unknown_model_or_version_are_404_with_the_error_object(string url, string expected)
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(expected, await response.ErrorAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_sees_only_the_statistics_of_its_models()
    {
        using var factory = new WardenFactory();
        var created = await (await factory.Admin().PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = "scoped", Role = "consumer", Models = ["some-other-model"] }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        var client = factory.Authorized(created!.Secret);
        var all = await (await client.GetAsync("/v2/models/stats")).ReadJsonAsync();
        Assert.DoesNotContain(all.GetProperty("model_stats").EnumerateArray(), s => s.GetProperty("name").GetString() == "credit-risk");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v2/models/credit-risk/stats")).StatusCode);
    }

    private static JsonObject TwoRows()
    {
        var request = V2Requests.CreditRisk();
        foreach (var input in request["inputs"]!.AsArray())
        {
            var value = input!["data"]![0]!.GetValue<double>();
            input["shape"] = new JsonArray(2, 1);
            input["data"] = new JsonArray(value, value);
        }

        return request;
    }
}
