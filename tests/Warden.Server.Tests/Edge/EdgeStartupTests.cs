using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Warden.Server.Tests.Infrastructure;
using Bed = Warden.Server.Tests.Edge.EdgeTestBed;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// The agent's start from a synced data directory: it listens while the bundles in service are restored, answers ready
/// only once they are, and re-verifies every cached bundle in full at every start.
/// </summary>
public sealed class EdgeStartupTests
{
    /// <summary>A bed with credit-risk version 1 published and synced once into the data directory <c>device</c>.</summary>
    private static async Task<Bed> SyncedBedAsync(CancellationToken ct)
    {
        var bed = new Bed();
        await bed.StartServerAsync();
        await bed.PackAndUploadAsync("credit-risk:1");
        var first = bed.Agent("device");
        await first.StartAsync(background: false, ct);
        Assert.True(await first.SyncAsync(ct));
        Assert.True(first.Models.ContainsKey("credit-risk"));
        await first.DisposeAsync();
        return bed;
    }

    [Fact]
    public async Task Until_the_bundles_are_restored_ready_answers_503_and_requests_wait_then_are_answered_on_the_device()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await SyncedBedAsync(ct);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restoring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = bed.Agent("device");
        agent.BeforeRestore = () =>
        {
            restoring.TrySetResult();
            return release.Task;
        };

        var start = agent.StartAsync(background: false, ct);
        await restoring.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);

        // The listener may start a moment after the restore began: ask until it answers.
        using var http = Bed.Client(await AddressAsync(agent, start, ct), key: null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v2/health/live", ct)).StatusCode);
        using (var notReady = await http.GetAsync("v2/health/ready", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.False(JsonDocument.Parse(await notReady.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("ready").GetBoolean());
        }

        var inference = Bed.InferAsync(http, "credit-risk", V2Requests.CreditRisk(id: "during-restore"));
        Assert.False(start.IsCompleted);
        Assert.False(inference.IsCompleted);

        release.SetResult();
        await start.WaitAsync(TimeSpan.FromMinutes(2), ct);
        var (status, answer) = await inference.WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.Equal(200, status);
        Assert.Equal("edge", answer.GetProperty("parameters").GetProperty("answered_by").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v2/health/ready", ct)).StatusCode);
    }

    [Fact]
    public async Task A_cached_bundle_changed_on_disk_is_refused_at_the_next_start_with_its_reason_and_the_agent_still_gets_ready()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await SyncedBedAsync(ct);
        var cached = Assert.Single(Directory.GetFiles(Path.Combine(bed.Root, "device", "bundles"), "*.wdn"));
        var bytes = await File.ReadAllBytesAsync(cached, ct);
        bytes[bytes.Length / 2] ^= 0x55;
        await File.WriteAllBytesAsync(cached, bytes, ct);

        await bed.StopServerAsync();
        using var logs = new CapturingLoggerProvider(LogLevel.Information);
        var agent = bed.Agent("device", logger: logs.CreateLogger("edge"));
        await agent.StartAsync(background: false, ct);

        Assert.False(agent.Models.ContainsKey("credit-risk"));
        Assert.Equal(Path.GetFileNameWithoutExtension(cached), agent.LastRefusal!.BundleId);
        Assert.Contains(logs.Lines, l => l.Contains("Refused bundle " + agent.LastRefusal.BundleId, StringComparison.Ordinal));
        using var http = Bed.Client(agent.Address!, key: null);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v2/health/ready", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("v2/models/credit-risk/ready", ct)).StatusCode);
        var status = JsonDocument.Parse(await http.GetStringAsync("edge/status", ct)).RootElement;
        Assert.Equal(agent.LastRefusal.BundleId, status.GetProperty("last_refusal").GetProperty("bundle_id").GetString());
        Assert.Contains(logs.Lines, l => l.Contains("Ready after", StringComparison.Ordinal));
    }

    /// <summary>The agent's address once it listens (it is set before the restore finishes).</summary>
    private static async Task<Uri> AddressAsync(Warden.Edge.EdgeAgent agent, Task start, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromMinutes(2));
        while (agent.Address is null)
        {
            if (start.IsFaulted)
            {
                await start;
            }

            await Task.Delay(10, deadline.Token);
        }

        return agent.Address;
    }
}
