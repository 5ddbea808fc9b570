using System.CommandLine;
using Warden.Cli;
using Warden.Cli.Commands;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary><c>warden fairness report --model</c> and <c>warden drift report --model</c> against an in-process server.</summary>
public sealed class MonitoringCliTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<int> RunAsync(params string[] args)
    {
        var handler = _factory.Server.CreateHandler();
        var context = new CliContext { HttpClientFactory = url => new HttpClient(handler, disposeHandler: false) { BaseAddress = url } };
        var root = new RootCommand { CommonOptions.Url, CommonOptions.Key };
        root.Subcommands.Add(FairnessCommand.Create(context));
        root.Subcommands.Add(DriftCommand.Create(context));
        return await root.Parse(args.Concat(["--url", "http://localhost", "--key", WardenFactory.AdminKey]).ToArray())
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    [Fact]
    public async Task Fairness_and_drift_reports_of_live_traffic_are_written_by_the_cli()
    {
        var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 150), "cli");
        await HmdaTraffic.LabelAsync(admin, served);
        var fairnessFile = Path.Combine(_factory.DataDir, "fairness.md");
        Assert.Equal(0, await RunAsync("fairness", "report", "--model", "credit-risk", "--since", "7d", "--positive", "yes", "--privileged", "afam=no",
            "--bootstrap", "0", "--format", "md", "--out", fairnessFile));
        var markdown = await File.ReadAllTextAsync(fairnessFile, TestContext.Current.CancellationToken);
        Assert.Contains("afam", markdown);
        Assert.Contains("disparate_impact", markdown);

        var driftFile = Path.Combine(_factory.DataDir, "drift.json");
        Assert.Equal(0, await RunAsync("drift", "report", "--model", "credit-risk", "--since", "24h", "--format", "json", "--out", driftFile));
        var report = Warden.Core.Drift.DriftReport.FromJson(await File.ReadAllTextAsync(driftFile, TestContext.Current.CancellationToken));
        Assert.Equal(150, report.CurrentRows);
    }

    [Fact]
    public async Task Failing_policy_makes_the_cli_exit_with_2()
    {
        var admin = _factory.Admin();
        await admin.PutAsync("/api/models/credit-risk/settings/fairness-policy",
            V2Requests.Raw("""{"rules":[{"metric":"demographic_parity_difference","max":0.0001}],"minGroupSize":5,"bootstrap":0}"""));
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 150), "cli-policy");
        await HmdaTraffic.LabelAsync(admin, served);
        Assert.Equal(2, await RunAsync("fairness", "report", "--model", "credit-risk", "--positive", "yes", "--threshold", "0.2", "--format", "json",
            "--out", Path.Combine(_factory.DataDir, "f.json")));
    }
}
