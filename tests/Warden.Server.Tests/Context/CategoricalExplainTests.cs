using System.Net;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Core.Data;
using Warden.Server.Tests.Infrastructure;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Context;

/// <summary>
/// A model trained on a CSV with categorical columns takes STRING inputs; its explanations must integrate those
/// features over the background's categories exactly as the published Shapley definition does.
/// </summary>
public sealed class CategoricalExplainTests : IClassFixture<WardenFactory>, IDisposable
{
    private readonly WardenFactory _factory;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-catexplain-" + Guid.NewGuid().ToString("N"));

    public CategoricalExplainTests(WardenFactory factory)
    {
        _factory = factory;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Explanation_of_a_model_with_string_inputs_equals_brute_force_shapley_on_the_onnx_graph()
    {
        var data = Warden.Tests.RepoFiles.Path("samples/data/arrests.csv");
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
        using var client = _factory.Admin();
        var trained = await TrainedDirectory.TrainAndDeployAsync(client, data, spec, _dir, "arrests-explained");

        // The explained row: year and sex are STRING inputs, the rest FLOAT.
        var row = new Dictionary<string, string>
        {
            ["year"] = "2000", ["age"] = "19", ["sex"] = "Female", ["employed"] = "0", ["citizen"] = "1", ["checks"] = "4",
        };
        using var session = new InferenceSession(trained.ModelPath);
        using var response = await client.PostAsync("/v2/models/arrests-explained/explain", V2Requests.Json(TrainedDirectory.Request(session, row)), TestContext.Current.CancellationToken);
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("exact", json.GetProperty("method").GetString());
        var attributions = json.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!);
        Assert.Equal("2000", attributions["year"].GetProperty("category").GetString());
        Assert.Equal("Female", attributions["sex"].GetProperty("category").GetString());
        Assert.False(attributions["age"].TryGetProperty("category", out _));

        var (phi, baseValue, output) = BruteForce(session, trained.BackgroundPath, row);
        Assert.Equal(output, json.GetProperty("value").GetDouble(), 1e-6);
        Assert.Equal(baseValue, json.GetProperty("baseValue").GetDouble(), 1e-6);
        foreach (var (name, expected) in phi)
        {
            Assert.Equal(expected, attributions[name].GetProperty("phi").GetDouble(), 1e-6);
        }
    }

    /// <summary>
    /// Interventional Shapley values by their definition: v(S) is the mean model output with the features in S taken from
    /// the row and the others from each background row; φ_i = Σ_S |S|!(M−|S|−1)!/M! (v(S ∪ {i}) − v(S)).
    /// </summary>
    private static (Dictionary<string, double> Phi, double Base, double Output) BruteForce(InferenceSession session, string backgroundPath, Dictionary<string, string> row)
    {
        var table = CsvTable.Parse(new StringReader(File.ReadAllText(backgroundPath)));
        var names = session.InputMetadata.Keys.ToArray();
        var m = names.Length;
        var n = table.RowCount;
        var v = new double[1 << m];
        for (var s = 0; s < v.Length; s++)
        {
            var feeds = new List<NamedOnnxValue>();
            for (var j = 0; j < m; j++)
            {
                var column = table.Column(names[j]).Select(c => c.Trim()).ToArray();
                var cells = Enumerable.Range(0, n).Select(r => (s & (1 << j)) != 0 ? row[names[j]] : column[r]).ToArray();
                feeds.Add(session.InputMetadata[names[j]].ElementDataType == TensorElementType.String
                    ? NamedOnnxValue.CreateFromTensor(names[j], new DenseTensor<string>(cells, [n, 1]))
                    : NamedOnnxValue.CreateFromTensor(names[j], new DenseTensor<float>(cells.Select(TrainedDirectory.Number).ToArray(), [n, 1])));
            }

            using var results = session.Run(feeds, ["probability"]);
            v[s] = results[0].AsEnumerable<float>().Average(p => (double)p);
        }

        var factorial = Enumerable.Range(0, m + 1).Select(k => Enumerable.Range(1, k).Aggregate(1.0, (a, b) => a * b)).ToArray();
        var phi = new Dictionary<string, double>();
        for (var i = 0; i < m; i++)
        {
            var sum = 0.0;
            for (var s = 0; s < v.Length; s++)
            {
                if ((s & (1 << i)) == 0)
                {
                    var size = int.PopCount(s);
                    sum += factorial[size] * factorial[m - size - 1] / factorial[m] * (v[s | (1 << i)] - v[s]);
                }
            }

            phi[names[i]] = sum;
        }

        return (phi, v[0], v[^1]);
    }
}
