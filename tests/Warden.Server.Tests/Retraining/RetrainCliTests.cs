using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Retraining;

/// <summary><c>warden retrain start|list|show|cancel</c> against an in-process server.</summary>
public sealed class RetrainCliTests : IDisposable
{
    private readonly WardenFactory _factory = new();
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("warden-retrain-csv-").FullName;

    public RetrainCliTests()
    {
        _factory.Settings["Warden:Retraining:DataRoots:0"] = Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        _factory.Settings["Warden:Retraining:DataRoots:1"] = _dataRoot;
    }

    public void Dispose()
    {
        _factory.Dispose();
        Directory.Delete(_dataRoot, recursive: true);
    }

    [Fact]
    public async Task Retraining_on_a_csv_with_quoted_commas_and_line_breaks_learns_what_the_plain_file_teaches()
    {
        // The same 600 rows with a note column, plain or holding a quoted comma and line break: the two jobs must read
        // 600 rows each and register versions with the same metrics.
        await File.WriteAllTextAsync(Path.Combine(_dataRoot, "plain.csv"), Cli.CsvInputTests.HmdaWithNote(600, "plain"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dataRoot, "quoted.csv"), Cli.CsvInputTests.HmdaWithNote(600), TestContext.Current.CancellationToken);

        var (code, output, error) = await RunAsync("retrain", "start", "--model", "credit-risk", "--training-data", Path.Combine(_dataRoot, "plain.csv"), "--wait");
        Assert.True(code == 0, error + output);
        Assert.Contains("new staging version: 2", output, StringComparison.Ordinal);
        (code, output, error) = await RunAsync("retrain", "start", "--model", "credit-risk", "--training-data", Path.Combine(_dataRoot, "quoted.csv"), "--wait");
        Assert.True(code == 0, error + output);
        Assert.Contains("loaded 600 rows from quoted.csv", output, StringComparison.Ordinal);
        Assert.Contains("new staging version: 3", output, StringComparison.Ordinal);

        using var admin = _factory.Admin();
        var plain = await (await admin.GetAsync("/api/models/credit-risk/versions/2", TestContext.Current.CancellationToken)).ReadJsonAsync();
        var quoted = await (await admin.GetAsync("/api/models/credit-risk/versions/3", TestContext.Current.CancellationToken)).ReadJsonAsync();
        var metrics = quoted.GetProperty("card").GetProperty("metrics");
        Assert.True(metrics.GetProperty("auc").GetDouble() > 0.5);
        Assert.Equal(plain.GetProperty("card").GetProperty("metrics").GetRawText(), metrics.GetRawText());
    }

    [Fact]
    public async Task Start_wait_list_show_and_cancel_a_finished_job()
    {
        var (code, output, error) = await RunAsync("retrain", "start", "--model", "credit-risk", "--training-data", "hmda.csv", "--wait");
        Assert.True(code == 0, error);
        Assert.Contains("job 1 queued", output, StringComparison.Ordinal);
        Assert.Contains("job 1 of credit-risk (manual): succeeded, 100% done", output, StringComparison.Ordinal);
        Assert.Contains("new staging version: 2", output, StringComparison.Ordinal);
        Assert.Contains("loaded 2380 rows from hmda.csv", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("retrain", "list", "--model", "credit-risk");
        Assert.Equal(0, code);
        Assert.Contains("succeeded", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("retrain", "show", "1", "--json");
        Assert.Equal(0, code);
        Assert.Contains("\"resultVersion\": \"2\"", output, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("retrain", "cancel", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("already ended (succeeded)", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("retrain", "show", "42");
        Assert.Equal(4, code);
        Assert.Contains("retraining job 42 is not found", error, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => _factory.RunCliAsync(WardenFactory.AdminKey, args);
}
