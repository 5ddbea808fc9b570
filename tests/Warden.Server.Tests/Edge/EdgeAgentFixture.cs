using Warden.Edge;

namespace Warden.Server.Tests.Edge;

/// <summary>A server publishing credit-risk version 1 and an edge agent that has synced it, shared by a test class.</summary>
public sealed class EdgeAgentFixture : IAsyncLifetime
{
    private readonly EdgeTestBed _bed = new();

    /// <summary>The agent, serving credit-risk from its bundle.</summary>
    public EdgeAgent Agent { get; private set; } = null!;

    /// <summary>A client of the agent (no local keys: loopback callers are not authenticated).</summary>
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _bed.StartServerAsync();
        await _bed.PackAndUploadAsync("credit-risk:1");
        Agent = _bed.Agent("device-1");
        await Agent.StartAsync(background: false, TestContext.Current.CancellationToken);
        if (!await Agent.SyncAsync(TestContext.Current.CancellationToken) || !Agent.Models.ContainsKey("credit-risk"))
        {
            throw new InvalidOperationException("the agent did not sync credit-risk");
        }

        Client = EdgeTestBed.Client(Agent.Address!, key: null);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _bed.DisposeAsync();
    }
}
