using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Warden.Core.Data;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>
/// Every command that reads a CSV reads it with <see cref="CsvTable"/>: a quoted value holding a comma or a line break is one
/// value, whichever command is given the file.
/// </summary>
public sealed class CsvInputTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    internal const string Note = "paid late, twice\nthen on time";
    private const string Group = "Black, non-Hispanic";

    [Fact]
    public async Task Predict_scores_every_row_and_keeps_quoted_commas_and_line_breaks()
    {
        var input = await WriteAsync("predict.csv", HmdaWithNote(6));
        var output = Path.Combine(Dir, "predict.out.csv");

        var (code, _, error) = await RunAsync("predict", "credit-risk", "--csv", input, "--out", output, "--batch-size", "4");

        Assert.True(code == 0, error);
        var scored = CsvTable.Read(output);
        Assert.Equal(6, scored.RowCount);
        Assert.All(scored.Column("note"), n => Assert.Equal(Note, n));
        Assert.All(scored.Column("probability"), p => Assert.InRange(double.Parse(p, System.Globalization.CultureInfo.InvariantCulture), 0, 1));
    }

    [Fact]
    public async Task Data_profile_counts_a_group_whose_name_holds_a_comma()
    {
        var input = await WriteAsync("profile.csv", GroupsWithNote());
        var output = Path.Combine(Dir, "profile.json");

        var (code, _, error) = await RunAsync("data", "profile", "--data", input, "--sensitive", "group", "--label", "label", "--positive", "yes", "--min-rows", "1",
            "--format", "json", "--out", output);

        Assert.True(code == 0, error);
        var json = await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        Assert.Contains($"\"{Group}\"", json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(6, document.RootElement.GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Fairness_report_reads_a_group_whose_name_holds_a_comma()
    {
        var input = await WriteAsync("fairness.csv", GroupsWithNote());
        var output = Path.Combine(Dir, "fairness.json");

        var (code, _, error) = await RunAsync("fairness", "report", "--data", input, "--label", "label", "--prediction", "predicted", "--sensitive", "group",
            "--positive", "yes", "--bootstrap", "0", "--min-group-size", "1", "--format", "json", "--out", output);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.Contains(Group, json.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(6, json.RootElement.GetProperty("dataset").GetProperty("rows").GetInt64());
    }

    [Fact]
    public async Task Drift_profile_and_report_read_quoted_categories_and_line_breaks()
    {
        var reference = await WriteAsync("reference.csv", GroupsWithNote());
        var current = await WriteAsync("current.csv", GroupsWithNote());
        var profile = Path.Combine(Dir, "reference.json");
        var output = Path.Combine(Dir, "drift.json");

        var (code, _, error) = await RunAsync("drift", "profile", "--data", reference, "--out", profile);
        Assert.True(code == 0, error);
        (code, _, error) = await RunAsync("drift", "report", "--reference", profile, "--current", current, "--features", "group,score", "--format", "json", "--out", output);

        Assert.True(code == 0, error);
        var report = Warden.Core.Drift.DriftReport.FromJson(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.Equal(6, report.CurrentRows);
        Assert.Contains(report.Features, f => f.Name == "group" && !f.Drifted);
    }

    [Fact]
    public async Task Adapt_shift_reads_hmda_files_with_quoted_commas_and_line_breaks()
    {
        var source = await WriteAsync("source.csv", HmdaWithNote(40));
        var target = await WriteAsync("target.csv", HmdaWithNote(40));

        var (code, output, error) = await RunProcessAsync("adapt", "shift", "--source", source, "--target", target);

        Assert.True(code == 0, error);
        Assert.Contains("source 40 rows, target 40 rows", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("mitigate")]
    public async Task Training_commands_learn_the_same_model_whether_a_column_holds_quoted_commas_and_line_breaks_or_not(string command)
    {
        // The note column is excluded from the features: a model trained on the file with quoted commas and line breaks
        // in it must equal the one trained on the same rows with a plain note, metric for metric.
        var cards = new List<JsonElement>();
        foreach (var (name, note) in new[] { ("plain", "plain"), ("quoted", Note) })
        {
            var input = await WriteAsync($"{command}-{name}.csv", HmdaWithNote(600, note));
            var output = Path.Combine(Dir, $"{command}-{name}");
            string[] args = command == "train"
                ? ["train", "--data", input, "--out", output, "--label", "deny", "--positive", "yes", "--sensitive", "afam", "--exclude", "note", "--seed", "7"]
                : ["mitigate", "--data", input, "--out", output, "--label", "deny", "--positive", "yes", "--sensitive", "afam", "--exclude", "note", "--seed", "7", "--mitigation", "reweighing"];

            var (code, _, error) = await RunProcessAsync(args);

            Assert.True(code == 0, error);
            using var card = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "card.json"), TestContext.Current.CancellationToken));
            cards.Add(card.RootElement.Clone());
        }

        Assert.DoesNotContain(cards[1].GetProperty("features").EnumerateArray(), f => f.GetRawText().Contains("\"note\"", StringComparison.Ordinal));
        Assert.Equal(cards[0].GetProperty("features").GetRawText(), cards[1].GetProperty("features").GetRawText());
        Assert.Equal(cards[0].GetProperty("metrics").GetRawText(), cards[1].GetProperty("metrics").GetRawText());
        Assert.True(cards[1].GetProperty("metrics").GetProperty("auc").GetDouble() > 0.5);
    }

    [Fact]
    public async Task Transfer_curve_reads_hmda_with_quoted_commas_and_line_breaks_as_the_plain_file()
    {
        var plain = await WriteAsync("transfer-plain.csv", HmdaWithNote(2380, "plain"));
        var quoted = await WriteAsync("transfer-quoted.csv", HmdaWithNote(2380, Note));
        string[] options = ["--sizes", "20", "--budgets", "5", "--seeds", "1"];

        var (plainCode, plainCurve, plainError) = await RunProcessAsync(["transfer", "curve", "--data", plain, .. options]);
        var (code, curve, error) = await RunProcessAsync(["transfer", "curve", "--data", quoted, .. options]);

        Assert.True(plainCode == 0, plainError);
        Assert.True(code == 0, error);
        Assert.Contains("| 20 |", curve, StringComparison.Ordinal);
        Assert.Equal(plainCurve, curve);
    }

    [Fact]
    public async Task Models_deploy_background_with_quoted_commas_and_line_breaks_explains_as_the_plain_sample()
    {
        var sample = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/background.csv"));
        var onnx = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx");
        var explanations = new List<string>();
        foreach (var (name, note) in new[] { ("bg-plain", "plain"), ("bg-quoted", Note) })
        {
            var text = new StringBuilder(sample[0] + ",note\n");
            foreach (var line in sample.Skip(1).Where(l => l.Length > 0))
            {
                text.Append(line).Append(",\"").Append(note).Append("\"\n");
            }

            var background = await WriteAsync(name + ".csv", text.ToString());
            var (code, _, error) = await RunAsync("models", "deploy", name, "--file", onnx, "--background", background, "--stage", "production");
            Assert.True(code == 0, error);

            using var explained = await factory.Admin().PostAsync($"/v2/models/{name}/explain", V2Requests.Json(V2Requests.CreditRisk()), TestContext.Current.CancellationToken);
            var json = await explained.ReadJsonAsync();
            Assert.True(explained.IsSuccessStatusCode, json.ToString());
            Assert.Equal(sample.Skip(1).Count(l => l.Length > 0), json.GetProperty("parameters").GetProperty("background_rows").GetInt32());
            explanations.Add(json.GetProperty("baseValue").GetRawText() + json.GetProperty("attributions").GetRawText());
        }

        Assert.Equal(explanations[0], explanations[1]);
    }

    private string Dir
    {
        get
        {
            var dir = Path.Combine(factory.DataDir, "csv-input");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    // The first rows of the HMDA sample with a quoted note column holding a comma and a line break.
    internal static string HmdaWithNote(int rows, string note = Note)
    {
        var lines = File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")).Take(rows + 1).ToList();
        var text = new StringBuilder(lines[0] + ",\"note\"\n");
        foreach (var line in lines.Skip(1))
        {
            text.Append(line).Append(",\"").Append(note).Append("\"\n");
        }

        return text.ToString();
    }

    private static string GroupsWithNote()
    {
        var text = new StringBuilder("group,label,predicted,score,note\n");
        string[] groups = [Group, Group, Group, "White", "White", "Asian"];
        for (var i = 0; i < groups.Length; i++)
        {
            var label = i % 2 == 0 ? "yes" : "no";
            text.Append(groups[i].Contains(',', StringComparison.Ordinal) ? $"\"{groups[i]}\"" : groups[i])
                .Append(',').Append(label).Append(',').Append(i % 3 == 0 ? "yes" : "no")
                .Append(',').Append(System.Globalization.CultureInfo.InvariantCulture, $"{0.1 * (i + 1):0.0}")
                .Append(",\"").Append(Note.Replace("twice", "\"\"twice\"\"", StringComparison.Ordinal)).Append("\"\n");
        }

        return text.ToString();
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var file = Path.Combine(Dir, name);
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        return file;
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => factory.RunCliAsync(WardenFactory.AdminKey, args);

    // Commands that print to the process's own standard output run as the real executable.
    internal static async Task<(int Code, string Output, string Error)> RunProcessAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "warden.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
