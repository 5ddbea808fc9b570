using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Context;

/// <summary>
/// A model with more inputs than the exact limit (the 64-pixel digits data) is explained by permutation sampling, with
/// a standard error per feature and the number of permutations stated.
/// </summary>
public sealed class SampledExplainTests : IClassFixture<WardenFactory>, IDisposable
{
    private readonly WardenFactory _factory;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-digits-" + Guid.NewGuid().ToString("N"));

    public SampledExplainTests(WardenFactory factory)
    {
        _factory = factory;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_64_feature_model_gets_sampled_values_with_standard_errors_that_add_up_to_its_output()
    {
        // The digits file has no header: 64 pixel intensities (0–16) then the digit.
        var csv = new StringBuilder(string.Join(",", Enumerable.Range(0, 64).Select(i => $"p{i}")) + ",digit\n");
        foreach (var line in File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/digits.csv")).Where(l => l.Length > 0))
        {
            csv.Append(line).Append('\n');
        }

        var data = Path.Combine(_dir, "digits.csv");
        await File.WriteAllTextAsync(data, csv.ToString(), TestContext.Current.CancellationToken);
        using var client = _factory.Admin();
        var trained = await TrainedDirectory.TrainAndDeployAsync(
            client, data, new TabularSpec { Label = "digit", Positive = "<5", Name = "digits-low" }, Path.Combine(_dir, "out"), "digits-low");

        // Explain the first image of the file.
        var pixels = File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/digits.csv")).First().Split(',').Take(64).Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var inputs = new JsonArray();
        for (var i = 0; i < 64; i++)
        {
            inputs.Add(new JsonObject { ["name"] = $"p{i}", ["shape"] = new JsonArray(1, 1), ["datatype"] = "FP32", ["data"] = new JsonArray(pixels[i]) });
        }

        using var response = await client.PostAsync("/v2/models/digits-low/explain", V2Requests.Json(new JsonObject { ["inputs"] = inputs }), TestContext.Current.CancellationToken);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("permutation_sampling", json.GetProperty("method").GetString());
        var parameters = json.GetProperty("parameters");
        Assert.Equal(64, parameters.GetProperty("features").GetInt32());
        Assert.True(parameters.GetProperty("permutations").GetInt32() >= 4);

        var attributions = json.GetProperty("attributions").EnumerateArray().ToList();
        Assert.Equal(64, attributions.Count);

        // Every permutation's marginal contributions telescope to f(x) − v(∅), so sampled values are additive exactly.
        var sum = json.GetProperty("baseValue").GetDouble() + attributions.Sum(a => a.GetProperty("phi").GetDouble());
        Assert.Equal(json.GetProperty("value").GetDouble(), sum, 1e-6);
        Assert.True(json.GetProperty("additivity").GetProperty("passed").GetBoolean());

        // A pixel that is the same in the row and every background row contributes nothing, with no sampling error
        // (up to FP32 rounding: the model scores a coalition's rows in batches of different composition);
        // the pixels that matter have a positive standard error.
        var background = File.ReadAllLines(trained.BackgroundPath);
        var header = background[0].Split(',');
        var rows = background.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToList();
        var byName = attributions.ToDictionary(a => a.GetProperty("feature").GetString()!);
        var constant = Enumerable.Range(0, 64).Where(i => rows.All(r => r[Array.IndexOf(header, $"p{i}")] == pixels[i])).ToList();
        Assert.NotEmpty(constant);
        foreach (var i in constant)
        {
            Assert.Equal(0, byName[$"p{i}"].GetProperty("phi").GetDouble(), 1e-7);
            Assert.Equal(0, byName[$"p{i}"].GetProperty("standardError").GetDouble(), 1e-7);
        }

        Assert.True(attributions.Take(5).All(a => a.GetProperty("standardError").GetDouble() > 0));
    }
}
