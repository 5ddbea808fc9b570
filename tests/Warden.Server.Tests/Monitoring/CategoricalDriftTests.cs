using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using Warden.Server.Tests.Infrastructure;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Monitoring;

/// <summary>
/// Drift of a model trained with categorical columns (STRING inputs): the reference holds category counts, the prediction log
/// keeps the categories, and a shifted category mix is flagged with the chi-square value a hand computation gives.
/// </summary>
public sealed class CategoricalDriftTests : IDisposable
{
    private const string Model = "arrests-drift";
    private readonly WardenFactory _factory = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-catdrift-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Shifted_categories_of_a_string_input_are_flagged_with_the_hand_computed_chi_square()
    {
        _factory.Settings["Warden:PredictionLog:BatchSize"] = "1";
        var admin = _factory.Admin();
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
        var trained = await TrainedDirectory.TrainAndDeployAsync(admin, Warden.Tests.RepoFiles.Path("samples/data/arrests.csv"), spec, _dir, Model);

        // Without an upload the deployed background sample is the reference: year and sex are categorical there too.
        var background = await admin.GetFromJsonAsync<JsonElement>($"/api/models/{Model}/versions/1/reference", TestContext.Current.CancellationToken);
        var features = background.GetProperty("profile").GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal("categorical", features["year"].GetProperty("kind").GetString(), ignoreCase: true);
        Assert.Equal(100, features["year"].GetProperty("categoryCounts").EnumerateArray().Sum(c => c.GetInt64()));

        // A tiny reference: year 2000 ×4, 2001 ×3, 2002 ×3.
        var reference = new StringBuilder("year,age,sex,employed,citizen,checks\n");
        string[] referenceYears = ["2000", "2000", "2000", "2000", "2001", "2001", "2001", "2002", "2002", "2002"];
        foreach (var (year, i) in referenceYears.Select((y, i) => (y, i)))
        {
            reference.Append(CultureInfo.InvariantCulture, $"{year},{20 + i},{(i % 2 == 0 ? "Male" : "Female")},1,1,{i % 4}\n");
        }

        var put = await admin.PutAsync($"/api/models/{Model}/versions/1/reference", new StringContent(reference.ToString(), Encoding.UTF8, "text/csv"), TestContext.Current.CancellationToken);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        // Traffic: year 2000 ×1, 2001 ×2, 2002 ×7.
        string[] currentYears = ["2000", "2001", "2001", "2002", "2002", "2002", "2002", "2002", "2002", "2002"];
        using var session = new InferenceSession(trained.ModelPath);
        foreach (var (year, i) in currentYears.Select((y, i) => (y, i)))
        {
            var row = new Dictionary<string, string>
            {
                ["year"] = year, ["age"] = (20 + i).ToString(CultureInfo.InvariantCulture), ["sex"] = i % 2 == 0 ? "Male" : "Female",
                ["employed"] = "1", ["citizen"] = "1", ["checks"] = (i % 4).ToString(CultureInfo.InvariantCulture),
            };
            using var response = await admin.PostAsync($"/v2/models/{Model}/infer", V2Requests.Json(TrainedDirectory.Request(session, row)), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await TrainedDirectory.WaitLoggedAsync(admin, Model, currentYears.Length);
        var report = DriftReport.FromJson(await admin.GetStringAsync($"/api/models/{Model}/drift?since=1h", TestContext.Current.CancellationToken));
        var drifted = report.Features.Single(f => f.Name == "year");

        // Expected counts are the reference shares × 10 = 4, 3, 3; with 2 degrees of freedom p = exp(−X²/2).
        var statistic = (Math.Pow(1 - 4, 2) / 4) + (Math.Pow(2 - 3, 2) / 3) + (Math.Pow(7 - 3, 2) / 3);
        Assert.Equal((FeatureKind.Categorical, DriftTest.ChiSquare), (drifted.Kind, drifted.Test));
        Assert.Equal(statistic, drifted.Statistic!.Value, 9);
        Assert.Equal(Math.Exp(-statistic / 2), drifted.Score, 9);
        Assert.True(drifted.Drifted);
        Assert.Equal(["2000", "2001", "2002"], drifted.Histogram!.Labels);
        Assert.Equal([1L, 2L, 7L], drifted.Histogram.CurrentCounts);
        Assert.False(report.Features.Single(f => f.Name == "sex").Drifted);

        // A scheduled drift rule on the categorical feature alerts and is kept in the drift history.
        var rules = """{"rules":[{"kind":"FeatureDrifted","feature":"year"}],"window":"1h","interval":"30m","minRows":5}""";
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync($"/api/models/{Model}/settings/drift-rules", V2Requests.Raw(rules), TestContext.Current.CancellationToken)).StatusCode);
        var alerted = Assert.Single(await _factory.Services.GetRequiredService<LiveDriftService>().RunDueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("year", Assert.Single(alerted.Report.Alerts).Rule.Feature);
        var history = await (await admin.GetAsync($"/api/models/{Model}/drift/history", TestContext.Current.CancellationToken)).ReadJsonAsync();
        var stored = Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("features").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "year");
        Assert.Equal(Math.Exp(-statistic / 2), stored.GetProperty("score").GetDouble(), 9);
        Assert.True(stored.GetProperty("drifted").GetBoolean());
    }

    [Fact]
    public async Task An_onnx_model_from_elsewhere_deployed_with_a_background_explains_and_monitors_its_string_inputs()
    {
        // The ONNX file alone (no card: as if trained elsewhere) and a background sample, deployed with the CLI.
        var ct = TestContext.Current.CancellationToken;
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
        var trained = TabularExport.TrainAndWrite(Warden.Tests.RepoFiles.Path("samples/data/arrests.csv"), spec, _dir);
        var (code, _, error) = await _factory.RunCliAsync(
            WardenFactory.AdminKey, "models", "deploy", "foreign", "--file", trained.ModelPath, "--background", trained.BackgroundPath, "--stage", "production");
        Assert.True(code == 0, error);
        var admin = _factory.Admin();
        using var session = new InferenceSession(trained.ModelPath);

        var row = new Dictionary<string, string> { ["year"] = "2000", ["age"] = "19", ["sex"] = "Female", ["employed"] = "0", ["citizen"] = "1", ["checks"] = "4" };
        using (var explained = await admin.PostAsync("/v2/models/foreign/explain", V2Requests.Json(TrainedDirectory.Request(session, row)), ct))
        {
            var json = await explained.ReadJsonAsync();
            Assert.True(explained.StatusCode == HttpStatusCode.OK, json.ToString());
            var year = json.GetProperty("attributions").EnumerateArray().Single(a => a.GetProperty("feature").GetString() == "year");
            Assert.Equal("2000", year.GetProperty("category").GetString());
        }

        // Traffic from one year only: the background's spread of years is the reference, and the year is flagged.
        for (var i = 0; i < 40; i++)
        {
            var shifted = new Dictionary<string, string>(row) { ["year"] = "2002", ["age"] = (18 + (i % 30)).ToString(CultureInfo.InvariantCulture) };
            using var response = await admin.PostAsync("/v2/models/foreign/infer", V2Requests.Json(TrainedDirectory.Request(session, shifted)), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await TrainedDirectory.WaitLoggedAsync(admin, "foreign", 40);
        var reference = await admin.GetFromJsonAsync<JsonElement>("/api/models/foreign/versions/1/reference", ct);
        Assert.Equal("background sample deployed with foreign/1", reference.GetProperty("summary").GetProperty("source").GetString());
        var report = DriftReport.FromJson(await admin.GetStringAsync("/api/models/foreign/drift?since=1h", ct));
        var drifted = report.Features.Single(f => f.Name == "year");
        Assert.Equal(FeatureKind.Categorical, drifted.Kind);
        Assert.True(drifted.Drifted);
        Assert.Equal(40, report.CurrentRows);
    }
}
