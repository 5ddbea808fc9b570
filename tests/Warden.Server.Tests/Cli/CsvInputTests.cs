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
    private const string Note = "paid late, twice\nthen on time";
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
    private static string HmdaWithNote(int rows)
    {
        var lines = File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")).Take(rows + 1).ToList();
        var text = new StringBuilder(lines[0] + ",\"note\"\n");
        foreach (var line in lines.Skip(1))
        {
            text.Append(line).Append(",\"").Append(Note).Append("\"\n");
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
    private static async Task<(int Code, string Output, string Error)> RunProcessAsync(params string[] args)
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
