using Warden.Edge;
using Warden.Edge.Host;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// A server publishing credit-risk version 1 and the agent as the native <c>warden-edge</c> executable composes it: from
/// its command line (key files on disk, <c>--key</c>, port 0), through <see cref="EdgeHostCommand"/>.
/// </summary>
public sealed class EdgeHostFixture : IAsyncLifetime
{
    private readonly EdgeTestBed _bed = new();
    private EdgeAgent? _agent;

    /// <summary>A client of the agent (no local keys: loopback callers are not authenticated).</summary>
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await _bed.StartServerAsync();
        await _bed.PackAndUploadAsync("credit-risk:1");
        var deviceKey = Path.Combine(_bed.Root, "host-device.pem");
        await File.WriteAllTextAsync(deviceKey, _bed.Device.ExportPkcs8PrivateKeyPem(), ct);
        var signer = Path.Combine(_bed.Root, "signer.pub.pem");
        _agent = await EdgeHostCommand.StartAsync(
        [
            "--server", server.ToString(), "--key", EdgeTestBed.AdminKey, "--device-key", deviceKey, "--trust", signer,
            "--data-dir", Path.Combine(_bed.Root, "host-device"), "--device-id", "host-device", "--listen", "http://127.0.0.1:0",
        ], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct);
        if (!await _agent.SyncAsync(ct) || !_agent.Models.ContainsKey("credit-risk"))
        {
            throw new InvalidOperationException("the host's agent did not sync credit-risk");
        }

        Client = EdgeTestBed.Client(_agent.Address!, key: null);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        await _bed.DisposeAsync();
    }
}
