using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Retraining;

/// <summary><c>warden retrain start|list|show|cancel</c> against an in-process server.</summary>
public sealed class RetrainCliTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public RetrainCliTests() =>
        _factory.Settings["Warden:Retraining:DataRoots:0"] = Path.GetDirectoryName(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));

    public void Dispose() => _factory.Dispose();

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
