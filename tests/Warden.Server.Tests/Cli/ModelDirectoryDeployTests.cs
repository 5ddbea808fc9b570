using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Fairness;
using Warden.Server.Tests.Infrastructure;
using Warden.Training.Mitigation;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Cli;

/// <summary>
/// <c>warden models deploy M --dir D</c>: a directory written by <c>warden mitigate</c> deploys as it is — the card and background
/// in the upload, <c>reference.csv</c> as the version's drift reference, <c>group-thresholds.json</c> bound to that version.
/// </summary>
public sealed class ModelDirectoryDeployTests : IDisposable
{
    private const string Model = "arrests-thresholds";
    private readonly WardenFactory _factory = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-dirdeploy-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_mitigated_directory_deploys_with_its_reference_and_thresholds_bound_to_each_new_version()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Warden.Tests.RepoFiles.Path("samples/data/arrests.csv");
        var spec = new TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Categorical = ["year"], Name = "arrests" };
        MitigationTrainer.TrainAndExport(data, _dir, spec, MitigationMethod.Threshold, FairnessConstraint.DemographicParity);
        var trainingRows = File.ReadLines(Path.Combine(_dir, "reference.csv")).Count() - 1;
        using var admin = _factory.Admin();

        var (code, output, error) = await _factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", Model, "--dir", _dir, "--stage", "production");

        Assert.True(code == 0, error);
        Assert.Contains("drift reference of version 1 set from reference.csv (label column 'released')", output, StringComparison.Ordinal);
        Assert.Contains("group thresholds from group-thresholds.json bound to version 1", output, StringComparison.Ordinal);
        Assert.Contains("promoted arrests-thresholds version 1 to production", output, StringComparison.Ordinal);

        var reference = await admin.GetFromJsonAsync<JsonElement>($"/api/models/{Model}/versions/1/reference", ct);
        var summary = reference.GetProperty("summary");
        Assert.Equal(trainingRows, summary.GetProperty("rows").GetInt32());
        Assert.True(summary.GetProperty("labelled").GetBoolean());
        Assert.Equal("upload", summary.GetProperty("source").GetString());

        // The card came with the upload, and the thresholds of the file sit under version 1, required.
        var version = await admin.GetFromJsonAsync<JsonElement>($"/api/models/{Model}/versions/1", ct);
        Assert.Equal("threshold (demographic-parity)", version.GetProperty("card").GetProperty("mitigation").GetString());
        var written = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, GroupThresholdsDocument.FileName), ct))!["thresholds"]!;
        var settings = JsonNode.Parse(await admin.GetStringAsync($"/api/models/{Model}/settings/group-thresholds", ct))!["document"]!;
        Assert.True(settings["required"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(written, settings["versions"]!["1"]));

        // Served with the thresholds of version 1.
        using var session = new InferenceSession(Path.Combine(_dir, "model.onnx"));
        // The file's first rows hold no commas inside quotes: splitting and unquoting reads them.
        var row = File.ReadLines(data).Skip(1).First().Split(',').Select(c => c.Trim('"')).ToArray();
        var header = File.ReadLines(data).First().Split(',').Select(c => c.Trim('"')).ToArray();
        var cells = header.Zip(row).ToDictionary(p => p.First, p => p.Second);
        var request = TrainedDirectory.Request(session, cells);
        request["parameters"] = new JsonObject { ["sensitive.colour"] = cells["colour"] };
        using var answer = await admin.PostAsJsonAsync($"/v2/models/{Model}/infer", request, ct);
        var json = await answer.ReadJsonAsync();
        Assert.True(answer.IsSuccessStatusCode, json.ToString());
        Assert.Equal("1", json.GetProperty("parameters").GetProperty("group_thresholds_version").GetString());

        // A second deploy to production binds its own thresholds first (the promotion gate would refuse it otherwise),
        // keeping version 1's.
        (code, output, error) = await _factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", Model, "--dir", _dir, "--stage", "production");
        Assert.True(code == 0, error);
        Assert.Contains("promoted arrests-thresholds version 2 to production", output, StringComparison.Ordinal);
        settings = JsonNode.Parse(await admin.GetStringAsync($"/api/models/{Model}/settings/group-thresholds", ct))!["document"]!;
        Assert.Equal(["1", "2"], settings["versions"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deploy_takes_exactly_one_of_a_file_and_a_directory_and_names_a_directory_without_a_model()
    {
        Directory.CreateDirectory(_dir);

        var (code, _, error) = await _factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", Model, "--dir", _dir);
        Assert.Equal(1, code);
        Assert.Contains("has no model.onnx", error, StringComparison.Ordinal);

        (code, _, error) = await _factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", Model);
        Assert.Equal(1, code);
        Assert.Contains("give either --file (an ONNX file) or --dir", error, StringComparison.Ordinal);

        (code, _, error) = await _factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", Model, "--dir", _dir + "-missing");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
