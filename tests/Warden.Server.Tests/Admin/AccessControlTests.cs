using System.Net;
using System.Net.Http.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

/// <summary>Authentication and the role matrix of the serving core.</summary>
public sealed class AccessControlTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    public static TheoryData<string, string, string, int> Matrix()
    {
        // role, method, path, expected status (credit-risk is the consumer's own model)
        var data = new TheoryData<string, string, string, int>();
        void Row(string method, string path, int admin, int deployer, int reviewer, int auditor, int consumer)
        {
            data.Add("admin", method, path, admin);
            data.Add("deployer", method, path, deployer);
            data.Add("reviewer", method, path, reviewer);
            data.Add("auditor", method, path, auditor);
            data.Add("consumer", method, path, consumer);
        }

        Row("GET", "/v2", 200, 200, 200, 200, 200);
        Row("GET", "/v2/models/credit-risk", 200, 200, 200, 200, 200);
        Row("POST", "/v2/models/credit-risk/infer", 200, 200, 403, 403, 200);
        Row("GET", "/api/models", 200, 200, 200, 200, 200);
        Row("POST", "/api/models/credit-risk/versions", 400, 400, 403, 403, 403);
        Row("POST", "/api/models/credit-risk/rollback", 409, 409, 403, 403, 403);
        Row("GET", "/api/keys", 200, 403, 403, 403, 403);
        Row("POST", "/api/keys", 400, 403, 403, 403, 403);
        Row("GET", "/api/audit", 200, 403, 403, 200, 403);
        Row("GET", "/api/audit/verify", 200, 403, 403, 200, 403);
        Row("GET", "/api/predictions", 200, 403, 403, 200, 403);
        Row("GET", "/metrics", 200, 403, 403, 200, 403);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Role_matrix_gives_the_expected_status(string role, string method, string path, int expected)
    {
        var client = factory.Authorized(await KeyAsync(role, ["credit-risk"]));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path.EndsWith("/infer", StringComparison.Ordinal))
        {
            request.Content = V2Requests.Json(V2Requests.CreditRisk());
        }
        else if (method == "POST")
        {
            request.Content = V2Requests.Raw("{}");
        }

        var response = await client.SendAsync(request);
        Assert.True(expected == (int)response.StatusCode, $"{role} {method} {path}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Missing_key_is_401_with_a_json_error()
    {
        var response = await factory.CreateClient().GetAsync("/v2/models/credit-risk");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("authentication required", await response.ErrorAsync());
    }

    [Fact]
    public async Task Invalid_key_is_401()
    {
        var response = await factory.Authorized("wdn_this-key-does-not-exist-anywhere").GetAsync("/v2");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid", await response.ErrorAsync());
    }

    [Fact]
    public async Task X_API_Key_header_is_accepted()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", WardenFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2")).StatusCode);
    }

    [Fact]
    public async Task Consumer_scoped_to_another_model_gets_404_not_403_for_this_one()
    {
        var client = factory.Authorized(await KeyAsync("consumer", ["some-other-model"]));
        var metadata = await client.GetAsync("/v2/models/credit-risk");
        var infer = await client.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.NotFound, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, infer.StatusCode);
        Assert.Equal("model 'credit-risk' is not found", await infer.ErrorAsync());
        var listed = await client.GetFromJsonAsync<List<ModelSummary>>("/api/models");
        Assert.DoesNotContain(listed!, m => m.Name == "credit-risk");
    }

    [Fact]
    public async Task Revoked_key_is_refused_on_its_next_request()
    {
        var admin = factory.Admin();
        var created = await (await admin.PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = "short-lived", Role = "consumer", Models = ["credit-risk"] }))
            .Content.ReadFromJsonAsync<CreatedKey>();
        var client = factory.Authorized(created!.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{created.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        var keys = await admin.GetFromJsonAsync<List<ApiKeyInfo>>("/api/keys");
        Assert.NotNull(keys!.Single(k => k.Id == created.Info.Id).RevokedAt);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/keys/key_nope")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"role\":\"root\"}", "unknown role 'root'")]
    [InlineData("{\"name\":\"\",\"role\":\"consumer\"}", "non-empty 'name'")]
    [InlineData("{\"name\":\"x\",\"role\":\"consumer\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "in the past")]
    [InlineData("{\"name\":", "malformed JSON")]
    public async Task Key_creation_rejects_bad_requests_with_400(string body, string message)
    {
        var response = await factory.Admin().PostAsync("/api/keys", V2Requests.Raw(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.ErrorAsync());
    }

    [Fact]
    public async Task Key_listing_never_contains_secrets()
    {
        var secret = await KeyAsync("auditor", []);
        var text = await (await factory.Admin().GetAsync("/api/keys")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(WardenFactory.AdminKey, text, StringComparison.Ordinal);
    }

    private async Task<string> KeyAsync(string role, List<string> models)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = role + "-test", Role = role, Models = models });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Secret;
    }
}
