namespace Warden.Core.Monitoring;

/// <summary>Evaluates due <c>drift-rules</c> on each scheduler tick.</summary>
public sealed class ScheduledDriftRules(LiveDriftService drift) : IScheduledMonitor
{
    public Task RunDueAsync(CancellationToken cancellationToken) => drift.RunDueAsync(cancellationToken);
}
