using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Data;
using Warden.Server.Tests.Infrastructure;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Retraining;

/// <summary>
/// A model trained by <c>warden train</c> with categorical (STRING) inputs retrains on its recorded settings: feedback rows
/// join with the categories read from the log, the feedback weight applies, and the new version gets a categorical reference.
/// </summary>
public sealed class CategoricalRetrainingTests : IDisposable
{
    private const string Model = "arrests-retrain";
    private readonly WardenFactory _factory = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-catretrain-" + Guid.NewGuid().ToString("N"));

    public CategoricalRetrainingTests()
    {
        _factory.Settings["Warden:Retraining:DataRoots:0"] = Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/arrests.csv"));
        _factory.Settings["Warden:Monitoring:TickSeconds"] = "86400";
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
    }

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_categorical_model_retrains_with_its_logged_categories_and_the_feedback_weight()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = _factory.Admin();
        var data = Warden.Tests.RepoFiles.Path("samples/data/arrests.csv");
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
        var trained = await TrainedDirectory.TrainAndDeployAsync(admin, data, spec, _dir, Model);

        // 30 rows of the file served and labelled with their true outcome.
        var table = CsvTable.Parse(new StringReader(await File.ReadAllTextAsync(data, ct)));
        using var session = new InferenceSession(trained.ModelPath);
        var labels = new List<object>();
        for (var r = 0; r < 30; r++)
        {
            var row = table.ColumnNames.ToDictionary(c => c, c => table.Column(c)[r].Trim());
            using var response = await admin.PostAsync($"/v2/models/{Model}/infer", V2Requests.Json(TrainedDirectory.Request(session, row)), ct);
            var json = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
            labels.Add(new { id = json.GetProperty("id").GetString(), label = row["released"] });
        }

        await TrainedDirectory.WaitLoggedAsync(admin, Model, 30);
        var matched = await (await admin.PostAsJsonAsync($"/api/models/{Model}/feedback", new { items = labels }, ct)).ReadJsonAsync();
        Assert.Equal(30, matched.GetProperty("matched").GetInt32());

        var start = await admin.PostAsJsonAsync($"/api/models/{Model}/retrain", new { trainingData = "arrests.csv", feedbackWeight = 2 }, ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var ended = await RetrainingTests.WaitEndedAsync(admin, (await start.ReadJsonAsync()).GetProperty("id").GetInt64());
        var logs = ended.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.True(ended.GetProperty("job").GetProperty("status").GetString() == "succeeded", string.Join("\n", logs));
        Assert.Contains(logs, l => l.StartsWith("added 30 labelled feedback row(s) (0 skipped for missing inputs)", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.StartsWith("example weights: file rows 1, feedback rows 2; ", StringComparison.Ordinal));

        var version = await admin.GetFromJsonAsync<JsonElement>($"/api/models/{Model}/versions/2", ct);
        Assert.Equal("2", version.GetProperty("card").GetProperty("parameters").GetProperty("feedback_weight").GetString());
        Assert.Equal("30", version.GetProperty("card").GetProperty("parameters").GetProperty("feedback_rows").GetString());

        // The new version's reference profile holds the categorical inputs as categories.
        var reference = await admin.GetFromJsonAsync<JsonElement>($"/api/models/{Model}/versions/2/reference", ct);
        var year = reference.GetProperty("profile").GetProperty("features").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "year");
        Assert.Equal("categorical", year.GetProperty("kind").GetString(), ignoreCase: true);
        Assert.Contains("2000", year.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
    }
}
