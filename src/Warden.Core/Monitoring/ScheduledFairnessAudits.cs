namespace Warden.Core.Monitoring;

/// <summary>Runs the due scheduled fairness audits on each scheduler tick.</summary>
public sealed class ScheduledFairnessAudits(FairnessAuditService audits) : IScheduledMonitor
{
    public Task RunDueAsync(CancellationToken cancellationToken) => audits.RunDueAsync(cancellationToken);
}
