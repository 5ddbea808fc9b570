using System.Text.Json.Nodes;
using Warden.Core.Access;
using Warden.Core.Inference;
using Warden.Core.Settings;
using Warden.Core.Usage;

namespace Warden.Core.Policies;

/// <summary>
/// Enforces a model's <see cref="UsagePolicy"/>: fills in the key's default purpose, then refuses (403, with the reason) a
/// request without a purpose when one is required, with a purpose the key was not granted, or with a purpose the card lists
/// as out of scope. Each refusal is an audit entry (<c>policy.violation</c>) and a usage violation count. The bootstrap admin
/// key is not purpose-bound. Without a document nothing happens.
/// </summary>
public sealed class UsagePolicyInterceptor(ModelSettings settings, ModelCardCache cards, UsageMeter usage, PolicyAuditQueue audit) : InferenceInterceptor
{
    /// <summary>Name of the key the server creates or registers at start.</summary>
    public const string BootstrapKeyName = "bootstrap-admin";

    public override int Order => -100;

    public override bool AppliesToExplanations => true;

    public override void OnRequest(InferenceContext context)
    {
        var policy = settings.Get<UsagePolicy>(context.Model, UsagePolicy.Kind);
        var key = context.Call.Caller;
        if (policy is null || (key.Role == WardenRoles.Admin && key.Name == BootstrapKeyName))
        {
            return;
        }

        var card = cards.Find(context.Model, context.Version);
        var granted = key.PurposesFor(context.Model);
        var purpose = string.IsNullOrWhiteSpace(context.Purpose) ? null : context.Purpose.Trim();
        purpose ??= key.DefaultPurpose ?? (granted is { Count: 1 } && granted[0] != "*" ? granted[0] : null);
        if (purpose is null)
        {
            if (policy.RequirePurpose)
            {
                Refuse(context, null, "model '" + context.Model + "' requires a declared purpose: send parameters.purpose or the X-Warden-Purpose header"
                    + (card is { IntendedUses.Count: > 0 } ? " (intended uses: " + string.Join(", ", card.IntendedUses) + ")" : ""));
            }

            return;
        }

        if (card is not null && card.OutOfScopeUses.Contains(purpose, StringComparer.OrdinalIgnoreCase))
        {
            Refuse(context, purpose, $"purpose '{purpose}' is a prohibited use of model '{context.Model}'");
        }

        var allowed = granted ?? card?.IntendedUses ?? [];
        if (!allowed.Contains("*", StringComparer.Ordinal) && !allowed.Contains(purpose, StringComparer.OrdinalIgnoreCase))
        {
            Refuse(context, purpose, granted is null
                ? $"purpose '{purpose}' is not an intended use of model '{context.Model}' (intended uses: {string.Join(", ", allowed)})"
                : $"purpose '{purpose}' is not granted to this key for model '{context.Model}'");
        }

        context.Purpose = purpose;
    }

    private void Refuse(InferenceContext context, string? purpose, string reason)
    {
        var key = context.Call.Caller;
        usage.Violation(key.Id, context.Model, purpose);
        audit.Enqueue(key.Id, "policy.violation", context.Model, new JsonObject { ["kind"] = UsagePolicy.Kind, ["purpose"] = purpose, ["reason"] = reason, ["requestId"] = context.Id });
        throw new WardenException(403, reason);
    }
}
