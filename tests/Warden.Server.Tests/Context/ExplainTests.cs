using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Admin;
using Microsoft.ML.OnnxRuntime;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Context;

public sealed class ExplainTests : IClassFixture<WardenFactory>
{
    private readonly WardenFactory _factory;

    public ExplainTests(WardenFactory factory) => _factory = factory;

    [Fact]
    public async Task Explanation_of_the_demo_model_is_exact_additive_and_sorted_by_magnitude()
    {
        using var client = _factory.Admin();
        using var response = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Equal("exact", json.GetProperty("method").GetString());
        Assert.Equal("probability", json.GetProperty("output").GetString());
        Assert.Equal(100, json.GetProperty("parameters").GetProperty("background_rows").GetInt32());
        Assert.Equal(1 + (4096 * 100), json.GetProperty("parameters").GetProperty("model_evaluations").GetInt64());
        var attributions = json.GetProperty("attributions").EnumerateArray().ToList();
        Assert.Equal(12, attributions.Count);
        var magnitudes = attributions.Select(a => Math.Abs(a.GetProperty("phi").GetDouble())).ToList();
        Assert.Equal(magnitudes.OrderByDescending(m => m).ToList(), magnitudes);
        var sum = json.GetProperty("baseValue").GetDouble() + attributions.Sum(a => a.GetProperty("phi").GetDouble());
        Assert.Equal(json.GetProperty("value").GetDouble(), sum, 1e-9);
        Assert.True(json.GetProperty("additivity").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task Exact_attributions_equal_a_brute_force_shapley_computation_on_the_onnx_model()
    {
        using var client = _factory.Admin();
        double[] row = [0.45, 0.3, 1.1, 3, 2, 1, 5.1, 1, 0, 1, 1, 0];
        using var response = await client.PostAsync("/v2/models/credit-risk/versions/1/explain", V2Requests.Json(V2Requests.CreditRisk(row)));
        var json = await response.ReadJsonAsync();
        var served = json.GetProperty("attributions").EnumerateArray()
            .ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("phi").GetDouble());

        var expected = BruteForce(row);
        for (var i = 0; i < V2Requests.CreditRiskInputs.Length; i++)
        {
            Assert.Equal(expected[i], served[V2Requests.CreditRiskInputs[i]], 1e-9);
        }
    }

    [Fact]
    public async Task Async_explanation_is_queued_and_its_result_equals_the_synchronous_one()
    {
        using var client = _factory.Admin();
        double[] row = [0.3, 0.25, 0.9, 2, 2, 0, 4.0, 0, 0, 0, 1, 1];
        using var sync = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(V2Requests.CreditRisk(row)));
        var expected = await sync.ReadJsonAsync();

        using var accepted = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(V2Requests.CreditRisk(row)));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var job = await accepted.ReadJsonAsync();
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal($"/api/explanations/{id}", accepted.Headers.Location!.OriginalString);

        var done = await PollAsync(client, id);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var result = done.GetProperty("result");
        Assert.Equal(expected.GetProperty("value").GetDouble(), result.GetProperty("value").GetDouble());
        var expectedPhi = expected.GetProperty("attributions").EnumerateArray().Select(a => a.GetProperty("phi").GetDouble()).ToList();
        Assert.Equal(expectedPhi, result.GetProperty("attributions").EnumerateArray().Select(a => a.GetProperty("phi").GetDouble()).ToList());
    }

    [Fact]
    public async Task Async_explanation_failures_are_reported_on_the_job_and_bad_requests_are_refused_at_once()
    {
        using var client = _factory.Admin();
        using var malformed = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Raw("{\"inputs\": ["));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var unknown = await client.PostAsync("/v2/models/no-such-model/explain?async=true", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var badFlag = await client.PostAsync("/v2/models/credit-risk/explain?async=maybe", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);

        // Parses, but binds to the wrong shape: inputs are bound at submission (the usage controls need them), so 400 at once.
        var request = V2Requests.CreditRisk();
        request["inputs"]!.AsArray().RemoveAt(0);
        using var unbound = await client.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(request));
        Assert.Equal(HttpStatusCode.BadRequest, unbound.StatusCode);
        Assert.Contains("pirat", await unbound.ErrorAsync(), StringComparison.Ordinal);

        // Admitted, but the version has no background sample: only the worker finds out, and says so on the job.
        using var own = new WardenFactory();
        using var ownClient = own.Admin();
        using var deployed = await ownClient.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), version: "2"));
        Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        using var accepted = await ownClient.PostAsync("/v2/models/credit-risk/versions/2/explain?async=true", V2Requests.Json(V2Requests.CreditRisk()));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var done = await PollAsync(ownClient, (await accepted.ReadJsonAsync()).GetProperty("id").GetString()!);
        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal(400, done.GetProperty("errorStatus").GetInt32());
        Assert.Contains("background sample", done.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_key_cannot_read_an_explanation_job()
    {
        using var admin = _factory.Admin();
        using var accepted = await admin.PostAsync("/v2/models/credit-risk/explain?async=true", V2Requests.Json(V2Requests.CreditRisk()));
        var id = (await accepted.ReadJsonAsync()).GetProperty("id").GetString()!;
        var created = await (await admin.PostAsJsonAsync("/api/keys", new { name = "stranger", role = "consumer", models = new[] { "credit-risk" } }))
            .Content.ReadFromJsonAsync<CreatedKey>(TestContext.Current.CancellationToken);
        using var stranger = _factory.Authorized(created!.Secret);
        using var response = await stranger.GetAsync($"/api/explanations/{id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var missing = await admin.GetAsync("/api/explanations/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var response = await client.GetAsync($"/api/explanations/{id}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.ReadJsonAsync();
            if (json.GetProperty("status").GetString() is "succeeded" or "failed")
            {
                return json;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"explanation job {id} did not finish");
    }

    [Fact]
    public async Task Explaining_more_than_one_row_is_refused()
    {
        using var client = _factory.Admin();
        var request = V2Requests.CreditRisk();
        foreach (var input in request["inputs"]!.AsArray())
        {
            input!["shape"] = new System.Text.Json.Nodes.JsonArray(2, 1);
            input["data"] = new System.Text.Json.Nodes.JsonArray(1, 1);
        }

        using var response = await client.PostAsync("/v2/models/credit-risk/explain", V2Requests.Json(request));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("exactly one row", await response.ErrorAsync(), StringComparison.Ordinal);
    }

    // φ_i = Σ_{S ⊆ F∖{i}} |S|!(M−|S|−1)!/M! [v(S ∪ {i}) − v(S)] with factorials, v(S) = mean over background rows of
    // f(x_S, b_rest), each v(S) from its own session run: independent of the server's batching and weight formula.
    private static double[] BruteForce(double[] x)
    {
        var background = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/background.csv"))
            .Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        using var session = new InferenceSession(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"));
        const int m = 12;
        var n = background.Length;
        var v = new double[1 << m];
        for (var s = 0; s < v.Length; s++)
        {
            var inputs = new Dictionary<string, OrtValue>();
            try
            {
                for (var j = 0; j < m; j++)
                {
                    var column = new float[n];
                    for (var r = 0; r < n; r++)
                    {
                        column[r] = (float)((s & (1 << j)) != 0 ? x[j] : background[r][j]);
                    }

                    inputs[V2Requests.CreditRiskInputs[j]] = OrtValue.CreateTensorValueFromMemory(column, [n, 1]);
                }

                using var runOptions = new RunOptions();
                using var results = session.Run(runOptions, inputs, ["probability"]);
                var probabilities = results[0].GetTensorDataAsSpan<float>();
                double total = 0;
                foreach (var p in probabilities)
                {
                    total += p;
                }

                v[s] = total / n;
            }
            finally
            {
                foreach (var value in inputs.Values)
                {
                    value.Dispose();
                }
            }
        }

        static double Factorial(int k) => k <= 1 ? 1 : k * Factorial(k - 1);
        var phi = new double[m];
        for (var i = 0; i < m; i++)
        {
            for (var s = 0; s < v.Length; s++)
            {
                if ((s & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)s);
                phi[i] += Factorial(size) * Factorial(m - size - 1) / Factorial(m) * (v[s | (1 << i)] - v[s]);
            }
        }

        return phi;
    }
}
