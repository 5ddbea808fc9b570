using System.Text.Json.Nodes;
using Warden.Core.Inference;
using Warden.Core.Policies;

namespace Warden.Core.Explanations;

/// <summary>
/// Appends <c>model.explain</c> to the audit chain for every explanation served or queued: an explanation returns the
/// model's output and costs thousands of model runs, so who asked, for what purpose and about which version is kept
/// where it cannot be silently edited. Inferences are recorded in the prediction log instead.
/// </summary>
public sealed class ExplanationAuditInterceptor(PolicyAuditQueue audit) : InferenceInterceptor
{
    public override bool AppliesToExplanations => true;

    public override void OnCompleted(InferenceContext context)
    {
        if (context.IsExplanation)
        {
            audit.Enqueue(context.Call.Caller.Id, "model.explain", context.Model,
                new JsonObject { ["version"] = context.Record?.Version, ["purpose"] = context.Purpose, ["requestId"] = context.Id });
        }
    }
}
