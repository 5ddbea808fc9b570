using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Monitoring;

/// <summary>
/// Refuses promotion to production of a version that has no group thresholds of its own while the model's
/// <c>group-thresholds</c> document binds rule sets to versions: thresholds fitted on one version's score scale would
/// otherwise be missing (or wrong) for the version that takes the traffic.
/// </summary>
public sealed class GroupThresholdPromotionGate(ModelSettings settings) : IPromotionGate
{
    public string Name => "group-thresholds";

    public Task<PromotionCheck> CheckAsync(ModelVersionRecord candidate, ModelVersionRecord? champion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var document = settings.Get<GroupThresholdSettings>(candidate.Model, GroupThresholdSettings.Kind);
        if (document is null || !document.BindsVersions || document.Versions!.ContainsKey(candidate.Version))
        {
            return Task.FromResult(PromotionCheck.Pass(Name));
        }

        var bound = string.Join(", ", document.Versions!.Keys.Order(StringComparer.Ordinal));
        return Task.FromResult(new PromotionCheck(Name, false,
        [
            $"version {candidate.Version} of '{candidate.Model}' has no group thresholds of its own (the group-thresholds document binds version(s) {bound}); " +
            $"fit thresholds on version {candidate.Version}'s scores and add them under versions[\"{candidate.Version}\"] before promoting",
        ]));
    }
}
