using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Policies;

/// <summary>Key creation and settings calls shared by the policy tests.</summary>
internal static class PolicyTestKeys
{
    public static async Task<string> CreateAsync(WardenFactory factory, object body)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Secret;
    }

    public static async Task PutSettingsAsync(WardenFactory factory, string model, string kind, string json)
    {
        var response = await factory.Admin().PutAsync($"/api/models/{model}/settings/{kind}", V2Requests.Raw(json));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static JsonObject WithPurpose(string purpose) => V2Requests.CreditRisk(parameters: new JsonObject { ["purpose"] = purpose });
}
