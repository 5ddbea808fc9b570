using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Monitoring;

/// <summary>
/// Canary routing and shadow copies from the model's <c>rollout</c> settings. A request that names no version goes to the
/// canary with the plan's probability, decided by a hash of the request id (or of the API key when sticky), so a replay
/// lands on the same version. Answers of the production version are copied to the shadow version off the request path.
/// Opt-in per model: without the settings document nothing changes.
/// </summary>
public sealed class RolloutInterceptor(ModelSettings settings, RolloutState state, ModelRegistry registry, TimeProvider time) : InferenceInterceptor
{
    private const string CanaryItem = "rollout.canary";

    /// <summary>Routes before other interceptors see the version.</summary>
    public override int Order => -100;

    /// <summary>True when <paramref name="routingKey"/> falls in the first <paramref name="percent"/> % of 10 000 hash buckets.</summary>
    public static bool InCanary(string routingKey, double percent) =>
        (uint)GroupThresholdInterceptor.SeedFor(routingKey) % 10_000 < percent * 100;

    public override void OnRequest(InferenceContext context)
    {
        if (context.Version is not null || settings.Get<RolloutSettings>(context.Model, RolloutSettings.Kind)?.Canary is not { } canary
            || settings.GetVersion(context.Model, RolloutSettings.Kind) is not { } plan)
        {
            return;
        }

        if (InCanary(canary.Sticky ? context.Call.Caller.Id : context.Id, canary.Percent))
        {
            context.Version = canary.Version;
            context.Items[CanaryItem] = (state.Canary(context.Model, canary.Version, plan.Version), time.GetUtcNow());
        }
    }

    public override void OnInputs(InferenceContext context)
    {
        if (context.TryGetItem(CanaryItem, out var item) && item is (CanaryStats stats, DateTimeOffset))
        {
            stats.Attempt();
        }
    }

    public override void OnCompleted(InferenceContext context)
    {
        if (context.TryGetItem(CanaryItem, out var item) && item is (CanaryStats stats, DateTimeOffset started))
        {
            stats.Succeed((time.GetUtcNow() - started).TotalMilliseconds);
            return;
        }

        if (settings.Get<RolloutSettings>(context.Model, RolloutSettings.Kind)?.Shadow is { } shadow
            && context.Record is { Stage: ModelStages.Production } record && record.Version != shadow && context.Inputs is not null)
        {
            state.EnqueueShadow(new ShadowJob(context.Model, shadow, context.Id, context.Call.Caller.Id, context.Inputs, context.Sensitive));
        }
    }

    public override void OnFailed(InferenceContext context, Exception error)
    {
        // A request routed to a canary whose version cannot serve (archived or unloaded after the plan was set) fails before
        // its inputs are bound, so it was never counted as attempted; it is the canary's failure, not the client's, and must
        // count towards rollback. Refusals by other interceptors, with the version still servable, stay client mistakes.
        if (context.TryGetItem(CanaryItem, out var item) && item is (CanaryStats stats, DateTimeOffset) && context.Inputs is null
            && !(registry.Models.TryGetValue(context.Model, out var registered) && context.Version is { } version && registered.IsServable(version)))
        {
            stats.Attempt();
        }
    }
}
