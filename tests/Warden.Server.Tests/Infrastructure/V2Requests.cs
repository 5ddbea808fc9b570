using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>Builders for stock Open Inference Protocol requests against the demo credit-risk model.</summary>
public static class V2Requests
{
    public static readonly string[] CreditRiskInputs = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];

    /// <summary>One applicant (the first row of the HMDA data).</summary>
    public static readonly double[] Applicant = [0.221, 0.221, 0.8, 5, 2, 0, 3.9, 0, 0, 0, 0, 1];

    /// <summary>A plain V2 request with one row, as any protocol client would send it.</summary>
    public static JsonObject CreditRisk(double[]? values = null, string? id = null, JsonObject? parameters = null)
    {
        values ??= Applicant;
        var inputs = new JsonArray();
        for (var i = 0; i < CreditRiskInputs.Length; i++)
        {
            inputs.Add(new JsonObject
            {
                ["name"] = CreditRiskInputs[i],
                ["shape"] = new JsonArray(1, 1),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(values[i]),
            });
        }

        var request = new JsonObject { ["inputs"] = inputs };
        if (id is not null)
        {
            request["id"] = id;
        }

        if (parameters is not null)
        {
            request["parameters"] = parameters;
        }

        return request;
    }

    public static StringContent Json(JsonNode node) => new(node.ToJsonString(), Encoding.UTF8, "application/json");

    public static StringContent Raw(string text) => new(text, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<string> ErrorAsync(this HttpResponseMessage response)
    {
        var json = await response.ReadJsonAsync();
        return json.GetProperty("error").GetString()!;
    }

    public static Task<HttpResponseMessage> InferAsync(this HttpClient client, JsonNode request, string model = "credit-risk", string? version = null) =>
        client.PostAsync(version is null ? $"/v2/models/{model}/infer" : $"/v2/models/{model}/versions/{version}/infer", Json(request));

    public static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body);
}
