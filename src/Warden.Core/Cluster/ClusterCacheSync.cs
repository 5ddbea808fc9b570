using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Warden.Core.Access;
using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Cluster;

/// <summary>
/// Keeps the in-memory snapshots of replicas that share a database consistent: a change stored through this process (a
/// model promoted, a key revoked, a settings document updated) is announced on <see cref="IClusterSignals"/>, and an
/// announcement from another replica reloads the matching snapshot from the shared store. After a channel outage every
/// snapshot is reloaded, because announcements made meanwhile were lost.
/// </summary>
public sealed partial class ClusterCacheSync(
    IClusterSignals signals, ModelRegistry registry, ModelSettings settings, ApiKeyService keys, ILogger<ClusterCacheSync> logger) : IHostedService
{
    private long _applied;

    /// <summary>Signals from other replicas applied so far (for tests and diagnostics).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        registry.Changed += OnRegistryChanged;
        settings.Changed += OnSettingsChanged;
        keys.Changed += OnKeysChanged;
        await signals.SubscribeAsync(ApplyAsync, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registry.Changed -= OnRegistryChanged;
        settings.Changed -= OnSettingsChanged;
        keys.Changed -= OnKeysChanged;
        return Task.CompletedTask;
    }

    /// <summary>Reloads what <paramref name="signal"/> names; signals this process sent itself are ignored.</summary>
    public async Task ApplyAsync(ClusterSignal signal)
    {
        if (signal.Origin == signals.InstanceId)
        {
            return;
        }

        try
        {
            switch (signal.Kind)
            {
                case ClusterSignal.Models:
                    await registry.InitializeAsync().ConfigureAwait(false);
                    break;
                case ClusterSignal.Settings:
                    await settings.ReloadAsync().ConfigureAwait(false);
                    await registry.RefreshSessionsAsync().ConfigureAwait(false);
                    break;
                case ClusterSignal.Keys:
                    keys.ForgetCachedKeys();
                    break;
                case ClusterSignal.Resync:
                    keys.ForgetCachedKeys();
                    await settings.ReloadAsync().ConfigureAwait(false);
                    await registry.InitializeAsync().ConfigureAwait(false);
                    break;
                default:
                    return;
            }

            Interlocked.Increment(ref _applied);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store may be briefly unreachable; the next signal or resync reloads again. Never let a bad signal stop the subscriber.
            LogReloadFailed(ex, signal.Kind, signal.Origin);
        }
    }

    private void OnRegistryChanged(object? sender, EventArgs e) => _ = signals.PublishAsync(ClusterSignal.Models);

    private void OnSettingsChanged(object? sender, EventArgs e) => _ = signals.PublishAsync(ClusterSignal.Settings);

    private void OnKeysChanged(object? sender, EventArgs e) => _ = signals.PublishAsync(ClusterSignal.Keys);

    [LoggerMessage(1, LogLevel.Warning, "Could not reload {Kind} after a change announced by {Origin}; the next announcement retries")]
    private partial void LogReloadFailed(Exception exception, string kind, string origin);
}
