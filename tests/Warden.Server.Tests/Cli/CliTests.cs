using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>The <c>warden</c> commands against an in-process server.</summary>
public sealed class CliTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task Models_list_shows_the_demo_model_in_production()
    {
        var (code, output, _) = await RunAsync("models", "list");
        Assert.Equal(0, code);
        Assert.Contains("credit-risk", output, StringComparison.Ordinal);
        Assert.Contains("production", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_key_created_by_the_cli_can_predict_from_feature_json()
    {
        var (code, output, _) = await RunAsync("keys", "create", "--name", "cli-consumer", "--role", "consumer", "--models", "credit-risk");
        Assert.Equal(0, code);
        var secret = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("wdn_", StringComparison.Ordinal));

        var features = "{\"pirat\":0.221,\"hirat\":0.221,\"lvrat\":0.8,\"chist\":5,\"mhist\":2,\"phist\":\"no\",\"unemp\":3.9,\"selfemp\":0,\"insurance\":0,\"condomin\":0,\"single\":0,\"hschool\":1}";
        (code, output, var error) = await RunWithKeyAsync(secret, "predict", "credit-risk", "--input", features, "--purpose", "credit-decision-support");
        Assert.True(code == 0, error);
        Assert.Contains("\"probability\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_reads_its_input_from_a_file_given_as_at_path()
    {
        var dir = Path.Combine(factory.DataDir, "at-input");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "applicant.json");
        await File.WriteAllTextAsync(file, "{\"pirat\":0.221,\"hirat\":0.221,\"lvrat\":0.8,\"chist\":5,\"mhist\":2,\"phist\":0,\"unemp\":3.9,\"selfemp\":0,\"insurance\":0,\"condomin\":0,\"single\":0,\"hschool\":1}", TestContext.Current.CancellationToken);

        var (code, output, error) = await RunAsync("predict", "credit-risk", "--input", "@" + file);
        Assert.True(code == 0, error);
        Assert.Contains("\"probability\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_streams_a_csv_in_batches_and_writes_results()
    {
        var dir = Path.Combine(factory.DataDir, "csv");
        Directory.CreateDirectory(dir);
        var input = Path.Combine(dir, "applicants.csv");
        var lines = File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")).Take(8).ToList();
        await File.WriteAllLinesAsync(input, lines, TestContext.Current.CancellationToken);
        var output = Path.Combine(dir, "out.csv");

        var (code, _, error) = await RunAsync("predict", "credit-risk", "--csv", input, "--out", output, "--batch-size", "3");
        Assert.True(code == 0, error);
        var result = await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(8, result.Length);
        Assert.EndsWith("label,probability", result[0], StringComparison.Ordinal);
        Assert.All(result.Skip(1), row => Assert.InRange(double.Parse(row.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture), 0, 1));
    }

    [Fact]
    public async Task Predict_with_sensitive_columns_records_them_per_row()
    {
        var dir = Path.Combine(factory.DataDir, "csv-sensitive");
        Directory.CreateDirectory(dir);
        var input = Path.Combine(dir, "applicants.csv");
        await File.WriteAllLinesAsync(input, File.ReadLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")).Take(4), TestContext.Current.CancellationToken);
        var (code, _, error) = await RunAsync("predict", "credit-risk", "--csv", input, "--sensitive", "afam");
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.ChangeExtension(input, ".predictions.csv")));
    }

    [Fact]
    public async Task Audit_verify_reports_an_intact_chain()
    {
        var (code, output, _) = await RunAsync("audit", "verify");
        Assert.Equal(0, code);
        Assert.Contains("audit chain intact", output, StringComparison.Ordinal);
        (code, output, _) = await RunAsync("audit", "list");
        Assert.Equal(0, code);
        Assert.Contains("model.deploy", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_print_one_line_and_exit_non_zero()
    {
        var (code, _, error) = await RunAsync("models", "promote", "nope", "1");
        Assert.Equal(4, code);
        Assert.Equal("error: 404 NotFound: model 'nope' is not found", error.Trim());
    }

    [Fact]
    public async Task Missing_key_is_a_clear_error()
    {
        var (code, _, error) = await RunWithKeyAsync(null, "models", "list");
        Assert.Equal(1, code);
        Assert.Contains("no API key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_json_is_a_clear_error()
    {
        var (code, _, error) = await RunAsync("predict", "credit-risk", "--input", "{nope");
        Assert.Equal(1, code);
        Assert.StartsWith("error: --input is not valid JSON", error.Trim(), StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithKeyAsync(WardenFactory.AdminKey, args);

    private Task<(int Code, string Output, string Error)> RunWithKeyAsync(string? key, params string[] args) => factory.RunCliAsync(key, args);
}
