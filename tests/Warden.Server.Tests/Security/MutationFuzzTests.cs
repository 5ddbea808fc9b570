using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Docs;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Security;

/// <summary>
/// Structure-aware fuzzing: valid documents (every request body the docs show, and stock V2 requests) with
/// one to three seeded mutations each — a value swapped for a hostile one of another type, a property removed, an array
/// emptied or blown up, a property added — sent where the original goes. Random bytes rarely get past the JSON parser;
/// these reach the binders and validators behind it. Never a 5xx. <c>WARDEN_FUZZ_REQUESTS</c> and <c>WARDEN_FUZZ_SEED</c>
/// run longer or other campaigns.
/// </summary>
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private static readonly JsonNode?[] Hostile =
    [
        null, "", "x", "NaN", "-Infinity", "1e400", new string('z', 5000), "../../etc/passwd", "lvrat >", "(((((", "\u0000",
        0, -1, 1, 255, 256, int.MaxValue, long.MinValue, 1e308, -1e-308, 0.5,
        true, false, new JsonArray(), new JsonArray(1, "a", null), new JsonObject(), new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } },
    ];

    [Fact]
    public async Task Mutated_valid_documents_never_cause_a_server_error()
    {
        var requests = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 1500;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WARDEN_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261126;
        var corpus = DocExamples.AllBodies.Select(e => (e.Method, e.Path, e.Body)).ToList();
        corpus.Add(("POST", "/v2/models/credit-risk/infer", V2Requests.CreditRisk().ToJsonString()));
        corpus.Add(("POST", "/v2/models/credit-risk/infer", V2Requests.CreditRisk(parameters: new JsonObject { ["purpose"] = "underwriting" }).ToJsonString()));
        corpus.Add(("POST", "/v2/models/credit-risk/explain", V2Requests.CreditRisk().ToJsonString()));

        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var random = new Random(seed);
        var serverErrors = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < requests; i++)
        {
            var (method, path, body) = corpus[random.Next(corpus.Count)];
            var document = JsonNode.Parse(body)!;
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                document = JsonMutator.Mutate(document, random, Hostile);
            }

            var text = document?.ToJsonString() ?? "null";
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
            var response = await admin.SendAsync(request, TestContext.Current.CancellationToken);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500)
            {
                serverErrors.Add($"{method} {path} {text[..Math.Min(text.Length, 300)]} → {status} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            }
        }

        output.WriteLine($"seed {seed}; requests: {requests}; corpus: {corpus.Count}; 5xx: {serverErrors.Count}; statuses: {string.Join(", ", statuses.Select(x => $"{x.Key}×{x.Value}"))}");
        Assert.True(serverErrors.Count == 0, string.Join("\n", serverErrors.Take(20)));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await factory.CreateClient().GetAsync("/v2/health/ready", TestContext.Current.CancellationToken)).StatusCode);
    }
}
