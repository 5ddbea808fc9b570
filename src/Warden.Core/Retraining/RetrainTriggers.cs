using Warden.Core.Monitoring;
using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Retraining;

/// <summary>
/// The schedule and label-count triggers of <c>retrain-policy</c>, checked on every <see cref="MonitoringScheduler"/> tick.
/// The schedule counts from the model's last job (or from when the policy was set); the label count is the number of
/// feedback rows (API labels and review decisions) received since the last job started.
/// </summary>
public sealed class RetrainTriggers(RetrainingService service, IRetrainJobStore store, ModelSettings settings, ModelRegistry registry, TimeProvider time) : IScheduledMonitor
{
    public async Task RunDueAsync(CancellationToken cancellationToken)
    {
        foreach (var model in settings.ModelsWith(RetrainPolicySettings.Kind))
        {
            var policy = settings.Get<RetrainPolicySettings>(model, RetrainPolicySettings.Kind);
            if (policy is null || !registry.Models.ContainsKey(model) || (policy.Interval is null && policy.NewLabels is null))
            {
                continue;
            }

            var last = (await store.ListAsync(model, null, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            var now = time.GetUtcNow();
            if (policy.Interval is { } interval)
            {
                var anchor = last?.Created ?? settings.GetVersion(model, RetrainPolicySettings.Kind)?.Time ?? now;
                if (now - anchor >= TimeWindow.Parse(interval, "interval")
                    && await service.TryStartAutomaticAsync(model, "schedule", cancellationToken).ConfigureAwait(false) is not null)
                {
                    continue;
                }
            }

            if (policy.NewLabels is { } threshold && await store.CountFeedbackAsync(model, last?.Created, cancellationToken).ConfigureAwait(false) >= threshold)
            {
                await service.TryStartAutomaticAsync(model, "labels", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
