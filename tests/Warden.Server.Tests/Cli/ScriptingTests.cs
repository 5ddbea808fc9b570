using System.Text.Json;
using Spectre.Console;
using Warden.Cli;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>What a script relies on: <c>--input @file</c> and <c>@-</c>, <c>--json</c> on list and show commands, unwrapped tables, errors worded for the input given.</summary>
public sealed class ScriptingTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private const string Applicant = "{\"pirat\":0.221,\"hirat\":0.221,\"lvrat\":0.8,\"chist\":5,\"mhist\":2,\"phist\":0,\"unemp\":3.9,\"selfemp\":0,\"insurance\":0,\"condomin\":0,\"single\":0,\"hschool\":1}";

    [Fact]
    public async Task Explain_reads_its_input_from_a_file_given_as_at_path()
    {
        var file = await WriteAsync("explain-applicant.json", Applicant);

        var (code, output, error) = await RunAsync("explain", "credit-risk", "--input", "@" + file, "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(12, json.RootElement.GetProperty("attributions").GetArrayLength());
    }

    [Fact]
    public async Task Predict_reads_a_v2_request_from_standard_input_given_as_at_dash()
    {
        var request = "{\"inputs\":[" + string.Join(",", V2Requests.CreditRiskInputs.Select(n => $"{{\"name\":\"{n}\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[1]}}")) + "]}";

        var (code, output, error) = await factory.RunCliWithInputAsync(WardenFactory.AdminKey, request, "predict", "credit-risk", "--input", "@-");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("credit-risk", json.RootElement.GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task A_missing_input_file_is_named_in_one_line()
    {
        var (code, _, error) = await RunAsync("predict", "credit-risk", "--input", "@/nonexistent/applicant.json");

        Assert.Equal(1, code);
        Assert.Equal("error: --input file '/nonexistent/applicant.json' does not exist", error.Trim());
    }

    [Fact]
    public async Task A_string_in_a_numeric_feature_of_json_input_is_reported_as_that_feature()
    {
        var (code, _, error) = await RunAsync("predict", "credit-risk", "--input", Applicant.Replace("\"lvrat\":0.8", "\"lvrat\":\"high\"", StringComparison.Ordinal));

        Assert.Equal(1, code);
        Assert.Equal("error: --input feature 'lvrat': 'high' is not a number (FP32)", error.Trim());
        Assert.DoesNotContain("line", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_string_in_a_numeric_column_of_csv_input_is_reported_by_row_and_column()
    {
        var header = string.Join(",", V2Requests.CreditRiskInputs);
        var good = string.Join(",", V2Requests.CreditRiskInputs.Select(_ => "1"));
        var bad = string.Join(",", V2Requests.CreditRiskInputs.Select(n => n == "lvrat" ? "\"high,\nvery\"" : "1"));
        var file = await WriteAsync("bad-cell.csv", $"{header}\n{good}\n{bad}\n");

        var (code, _, error) = await RunAsync("predict", "credit-risk", "--csv", file);

        Assert.Equal(1, code);
        Assert.Equal("error: CSV row 3, column 'lvrat': 'high, very' is not a number (FP32)", error.Trim().ReplaceLineEndings(" "));
    }

    [Theory]
    [InlineData(JsonValueKind.Array, "name", "models", "list")]
    [InlineData(JsonValueKind.Object, "versions", "models", "show", "credit-risk")]
    [InlineData(JsonValueKind.Array, "role", "keys", "list")]
    [InlineData(JsonValueKind.Object, "items", "audit", "list")]
    [InlineData(JsonValueKind.Object, "valid", "audit", "verify")]
    [InlineData(JsonValueKind.Array, null, "retrain", "list")]
    [InlineData(JsonValueKind.Array, null, "review", "list")]
    [InlineData(JsonValueKind.Object, "rows", "privacy", "keys")]
    [InlineData(JsonValueKind.Object, "buckets", "usage")]
    public async Task List_and_show_commands_print_json_with_json(JsonValueKind kind, string? property, params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "--json"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(kind, json.RootElement.ValueKind);
        var sample = kind == JsonValueKind.Array ? json.RootElement.EnumerateArray().FirstOrDefault() : json.RootElement;
        if (property is not null && sample.ValueKind == JsonValueKind.Object)
        {
            Assert.True(sample.TryGetProperty(property, out _), $"'{property}' missing from {output}");
        }
    }

    [Fact]
    public void Json_output_is_not_wrapped_at_the_console_width()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 40;
        var text = new string('y', 100);

        using var document = JsonDocument.Parse($"{{\"text\":\"{text}\"}}");
        new CliContext { Console = console }.WriteJson(document.RootElement);

        Assert.Contains($"\"text\": \"{text}\"", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_written_to_a_file_or_pipe_keeps_each_row_on_one_line()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) });
        var wide = new string('x', 150);

        StandardOutput.Fit(console, redirected: true).Write(new Table().AddColumns("id", "details").AddRow("1", wide));

        var rows = output.ToString().Split('\n').Where(l => l.Contains('1', StringComparison.Ordinal) || l.Contains('x', StringComparison.Ordinal)).ToList();
        Assert.Single(rows);
        Assert.Contains(wide, rows[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_command_named_is_built_and_all_are_built_when_none_is()
    {
        var context = new CliContext();

        var predict = WardenCli.Build(["--url", "http://localhost", "predict", "models", "--input", "@-"], context);
        var help = WardenCli.Build(["--help"], context);

        Assert.Equal(["predict"], predict.Subcommands.Select(c => c.Name));
        Assert.Contains(help.Subcommands, c => c.Name == "serve");
        Assert.Contains(help.Subcommands, c => c.Name == "retrain");
        Assert.True(help.Subcommands.Count > 20);
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var dir = Path.Combine(factory.DataDir, "scripting");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        await File.WriteAllTextAsync(file, content, TestContext.Current.CancellationToken);
        return file;
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => factory.RunCliAsync(WardenFactory.AdminKey, args);
}
