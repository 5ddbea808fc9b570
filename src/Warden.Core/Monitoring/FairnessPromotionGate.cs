using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Monitoring;

/// <summary>
/// Refuses promotion to production when the model has a <c>fairness-policy</c> and the candidate version's latest audit
/// failed it (or, with <see cref="FairnessPolicySettings.RequireAudit"/>, when it was never audited).
/// </summary>
public sealed class FairnessPromotionGate(IFairnessAuditStore store, ModelSettings settings) : IPromotionGate
{
    public string Name => "fairness";

    public async Task<PromotionCheck> CheckAsync(ModelVersionRecord candidate, ModelVersionRecord? champion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var policy = settings.Get<FairnessPolicySettings>(candidate.Model, FairnessPolicySettings.Kind);
        if (policy is null)
        {
            return PromotionCheck.Pass(Name);
        }

        var latest = await store.LatestAsync(candidate.Model, candidate.Version, null, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return policy.RequireAudit
                ? new PromotionCheck(Name, false, [$"version {candidate.Version} has no fairness audit; run POST /api/models/{candidate.Model}/fairness/reports"])
                : PromotionCheck.Pass(Name);
        }

        return latest.Passed == false
            ? new PromotionCheck(Name, false, latest.Failures.Select(f => $"{f} (audit {latest.Id})").ToList())
            : PromotionCheck.Pass(Name);
    }
}
