using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.V2;

/// <summary>
/// Triton's model repository extension (docs/protocol/extension_model_repository.md): index entries carry name, version,
/// state and reason; load and unload answer 200 with an empty body; errors are HTTP error statuses with <c>{"error"}</c>.
/// Each test that unloads gets its own server.
/// </summary>
public sealed class RepositoryExtensionTests
{
    [Fact]
    public async Task Server_metadata_advertises_the_repository_and_statistics_extensions()
    {
        using var factory = new WardenFactory();
        var extensions = (await (await factory.Admin().GetAsync("/v2")).ReadJsonAsync()).GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("model_repository", extensions);
        Assert.Contains("model_repository(unload_dependents)", extensions);
        Assert.Contains("statistics", extensions);
        Assert.Contains("binary_tensor_data", extensions);
    }

    [Fact]
    public async Task Index_lists_each_version_with_exactly_name_version_state_and_reason()
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PostAsync("/v2/repository/index", V2Requests.Raw("{}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var index = await response.ReadJsonAsync();
        Assert.Equal(JsonValueKind.Array, index.ValueKind);
        var entry = index.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "credit-risk");
        Assert.Equal(["name", "version", "state", "reason"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1", entry.GetProperty("version").GetString());
        Assert.Equal("READY", entry.GetProperty("state").GetString());
        Assert.Equal("", entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Index_takes_an_empty_body_as_the_default_request()
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PostAsync("/v2/repository/index", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains((await response.ReadJsonAsync()).EnumerateArray(), e => e.GetProperty("name").GetString() == "credit-risk");
    }

    [Fact]
    public async Task Unload_stops_serving_until_load_and_the_index_shows_the_state()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var unload = await admin.PostAsync("/v2/repository/models/credit-risk/unload", V2Requests.Raw("{}"));
        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.Equal("", await unload.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/v2/models/credit-risk/ready")).StatusCode);
        var refused = await admin.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("unloaded", await refused.ErrorAsync(), StringComparison.Ordinal);

        var all = await (await admin.PostAsync("/v2/repository/index", V2Requests.Raw("{\"ready\":false}"))).ReadJsonAsync();
        var entry = all.EnumerateArray().Single(e => e.GetProperty("name").GetString() == "credit-risk");
        Assert.Equal("UNAVAILABLE", entry.GetProperty("state").GetString());
        Assert.Equal("unloaded", entry.GetProperty("reason").GetString());
        var ready = await (await admin.PostAsync("/v2/repository/index", V2Requests.Raw("{\"ready\":true}"))).ReadJsonAsync();
        Assert.DoesNotContain(ready.EnumerateArray(), e => e.GetProperty("name").GetString() == "credit-risk");

        var load = await admin.PostAsync("/v2/repository/models/credit-risk/load", null);
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/v2/models/credit-risk/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        ready = await (await admin.PostAsync("/v2/repository/index", V2Requests.Raw("{\"ready\":true}"))).ReadJsonAsync();
        Assert.Contains(ready.EnumerateArray(), e => e.GetProperty("name").GetString() == "credit-risk" && e.GetProperty("state").GetString() == "READY");
    }

    [Fact]
    public async Task Load_of_a_loaded_model_reloads_it_and_it_keeps_answering_the_same()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var before = await (await admin.InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/credit-risk/load", V2Requests.Raw("{\"parameters\":{}}"))).StatusCode);
        var after = await (await admin.InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        Assert.Equal(before.GetProperty("outputs").GetRawText(), after.GetProperty("outputs").GetRawText());
    }

    [Theory]
    [InlineData("load")]
    [InlineData("unload")]
    public async Task Load_and_unload_of_an_unknown_model_are_404_with_the_error_object(string action)
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PostAsync($"/v2/repository/models/no-such-model/{action}", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no-such-model", await response.ErrorAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("load", "{\"parameters\":{\"config\":\"{}\"}}", "'config' is not supported")]
    [InlineData("load", "{\"parameters\":{\"file:1/model.onnx\":\"AAAA\"}}", "'file:1/model.onnx' is not supported")]
    [InlineData("unload", "{\"parameters\":{\"unload_dependents\":\"yes\"}}", "must be a boolean")]
    [InlineData("unload", "{\"parameters\":{\"force\":true}}", "unknown unload parameter 'force'")]
    [InlineData("unload", "{\"parameters\":", "malformed JSON")]
    public async Task Bad_load_and_unload_requests_are_400_naming_the_problem(string action, string body, string expected)
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PostAsync($"/v2/repository/models/credit-risk/{action}", V2Requests.Raw(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.ErrorAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().GetAsync("/v2/models/credit-risk/ready")).StatusCode);
    }

    [Theory]
    [InlineData("consumer", 403)]
    [InlineData("reviewer", 403)]
    [InlineData("auditor", 403)]
    [InlineData("deployer", 200)]
    public async Task Load_and_unload_need_a_deployer(string role, int expected)
    {
        using var factory = new WardenFactory();
        var client = factory.Authorized(await KeyAsync(factory, role, ["*"]));
        Assert.Equal(expected, (int)(await client.PostAsync("/v2/repository/models/credit-risk/unload", null)).StatusCode);
        Assert.Equal(expected, (int)(await client.PostAsync("/v2/repository/models/credit-risk/load", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/repository/index", null)).StatusCode);
    }

    [Fact]
    public async Task Index_hides_models_outside_a_consumers_scope()
    {
        using var factory = new WardenFactory();
        var client = factory.Authorized(await KeyAsync(factory, "consumer", ["some-other-model"]));
        var index = await (await client.PostAsync("/v2/repository/index", null)).ReadJsonAsync();
        Assert.DoesNotContain(index.EnumerateArray(), e => e.GetProperty("name").GetString() == "credit-risk");
    }

    [Fact]
    public async Task Load_and_unload_are_in_the_audit_chain()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/credit-risk/unload", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/v2/repository/models/credit-risk/load", null)).StatusCode);
        var audit = await admin.GetStringAsync("/api/audit?limit=50");
        Assert.Contains("model.unload", audit, StringComparison.Ordinal);
        Assert.Contains("model.load", audit, StringComparison.Ordinal);
    }

    private static async Task<string> KeyAsync(WardenFactory factory, string role, List<string> models)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = role + "-test", Role = role, Models = models });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Secret;
    }
}
