namespace Warden.Core.Monitoring;

/// <summary>Evaluates due <c>drift-rules</c> on each scheduler tick and tells every <see cref="IDriftAlertListener"/> about the alerts raised.</summary>
public sealed class ScheduledDriftRules(LiveDriftService drift, IEnumerable<IDriftAlertListener> listeners) : IScheduledMonitor
{
    private readonly IDriftAlertListener[] _listeners = listeners.ToArray();

    public async Task RunDueAsync(CancellationToken cancellationToken)
    {
        var alerted = await drift.RunDueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (model, report) in alerted)
        {
            foreach (var listener in _listeners)
            {
                await listener.OnDriftAlertAsync(model, report, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
