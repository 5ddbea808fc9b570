using Warden.Core.Drift;

namespace Warden.Core.Monitoring;

/// <summary>Told about every scheduled <c>drift.alert</c> after it was audited and published (e.g. to start a retraining job).</summary>
public interface IDriftAlertListener
{
    /// <summary>Reacts to an alert raised for <paramref name="model"/>.</summary>
    Task OnDriftAlertAsync(string model, DriftReport report, CancellationToken cancellationToken);
}
