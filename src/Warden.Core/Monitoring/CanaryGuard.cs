using System.Globalization;
using System.Text.Json;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Settings;

namespace Warden.Core.Monitoring;

/// <summary>
/// Watches every canary during its bake (the minutes after its plan was set): once it has answered enough requests, an
/// error rate or p99 latency above the plan's bounds rolls it back: the canary is removed from the rollout settings (a
/// new audited version), a <c>rollout.canary_rolled_back</c> audit entry is written and the same event is sent.
/// </summary>
public sealed class CanaryGuard(ModelSettings settings, RolloutState state, AuditLog audit, EventPublisher events, TimeProvider time) : IScheduledMonitor
{
    /// <summary>Event type of an automatic rollback.</summary>
    public const string RolledBackEvent = "rollout.canary_rolled_back";

    public Task RunDueAsync(CancellationToken cancellationToken) => CheckAsync(null, cancellationToken);

    /// <summary>Checks the canaries of <paramref name="models"/> (every model with a rollout plan when null); returns the models rolled back.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(IEnumerable<string>? models, CancellationToken cancellationToken)
    {
        var rolledBack = new List<string>();
        foreach (var model in models ?? settings.ModelsWith(RolloutSettings.Kind))
        {
            var plan = settings.Get<RolloutSettings>(model, RolloutSettings.Kind);
            var version = settings.GetVersion(model, RolloutSettings.Kind);
            if (plan?.Canary is not { } canary || version is null || time.GetUtcNow() - version.Time > TimeSpan.FromMinutes(canary.BakeMinutes))
            {
                continue;
            }

            var stats = state.Canary(model, canary.Version, version.Version);
            if (stats.Attempted < canary.MinRequests)
            {
                continue;
            }

            var breaches = new List<string>();
            if (canary.MaxErrorRate is { } maxError && stats.ErrorRate > maxError)
            {
                breaches.Add(string.Create(CultureInfo.InvariantCulture, $"error rate {stats.ErrorRate:0.####} > {maxError}"));
            }

            if (canary.MaxP99Ms is { } maxP99 && stats.P99() is { } p99 && p99 > maxP99)
            {
                breaches.Add(string.Create(CultureInfo.InvariantCulture, $"p99 latency {p99:0.###} ms > {maxP99} ms"));
            }

            if (breaches.Count == 0)
            {
                continue;
            }

            var withoutCanary = new RolloutSettings { Shadow = plan.Shadow, Challenger = plan.Challenger };
            await settings.PutAsync(model, RolloutSettings.Kind, JsonSerializer.SerializeToElement(withoutCanary, ModelSettings.Json), "system", cancellationToken).ConfigureAwait(false);
            var details = new { model, version = canary.Version, requests = stats.Attempted, breaches };
            await audit.AppendAsync("system", RolledBackEvent, $"{model}:{canary.Version}", details, cancellationToken).ConfigureAwait(false);
            events.Publish(RolledBackEvent, details);
            rolledBack.Add(model);
        }

        return rolledBack;
    }
}
