namespace Warden.Core.Monitoring;

/// <summary>Work the <see cref="MonitoringScheduler"/> runs on every tick (scheduled audits, drift rules, canary bake checks).</summary>
public interface IScheduledMonitor
{
    /// <summary>Does whatever is due at the current time; must tolerate being called often.</summary>
    Task RunDueAsync(CancellationToken cancellationToken);
}
