using Warden.Core.Inference;

namespace Warden.Core.Usage;

/// <summary>Counts every call that reaches the inference pipeline, and every failed one, in the <see cref="UsageMeter"/>.</summary>
public sealed class UsageInterceptor(UsageMeter usage) : InferenceInterceptor
{
    public override bool AppliesToExplanations => true;

    // Counted at the end, so the row carries the effective purpose (a usage policy may fill in the key's default).
    public override void OnCompleted(InferenceContext context) => usage.Request(context.Call.Caller.Id, context.Model, context.Purpose);

    public override void OnFailed(InferenceContext context, Exception error)
    {
        usage.Request(context.Call.Caller.Id, context.Model, context.Purpose);
        usage.Error(context.Call.Caller.Id, context.Model, context.Purpose);
        if (error is WardenException refusal)
        {
            // The same reason label as the warden.inference.refusals metric, but stored, so every replica's page shows it.
            usage.Refusal(context.Call.Caller.Id, context.Model, context.Stage, refusal.StatusCode);
        }
    }
}
