using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Context;

/// <summary>Calls the review tests share: keys by role, policies, inference.</summary>
internal static class ReviewFixture
{
    public static async Task<(string Id, HttpClient Client)> KeyAsync(WardenFactory factory, string role, string name)
    {
        using var admin = factory.Admin();
        using var response = await admin.PostAsJsonAsync("/api/keys", new CreateKeyRequest { Name = name, Role = role, Models = ["*"] });
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<CreatedKey>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        return (created.Info.Id, factory.Authorized(created.Secret));
    }

    public static async Task PutPolicyAsync(HttpClient client, string model, object policy, string kind = "review-policy")
    {
        using var response = await client.PutAsync($"/api/models/{model}/settings/{kind}", V2Requests.Raw(JsonSerializer.Serialize(policy, new JsonSerializerOptions(JsonSerializerDefaults.Web))));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        }
    }

    public static async Task<(int Status, JsonElement Body)> InferAsync(HttpClient client, double[]? row = null, string model = "credit-risk", string? id = null)
    {
        using var response = await client.InferAsync(V2Requests.CreditRisk(row, id), model);
        return ((int)response.StatusCode, await response.ReadJsonAsync());
    }

    public static async Task<JsonElement> PostAsync(HttpClient client, string url, object? body, int expected = 200)
    {
        using var response = await client.PostAsync(url, body is null ? null : V2Requests.Json(JsonSerializer.SerializeToNode(body)!));
        var json = await response.ReadJsonAsync();
        Assert.True((int)response.StatusCode == expected, $"{url}: {(int)response.StatusCode} {json}");
        return json;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var json = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {json}");
        return json;
    }

    public static string Parameter(JsonElement inference, string name) =>
        inference.GetProperty("parameters").GetProperty(name).ValueKind == JsonValueKind.String
            ? inference.GetProperty("parameters").GetProperty(name).GetString()!
            : inference.GetProperty("parameters").GetProperty(name).GetRawText();

    public static JsonNode Node(object value) => JsonSerializer.SerializeToNode(value)!;
}
