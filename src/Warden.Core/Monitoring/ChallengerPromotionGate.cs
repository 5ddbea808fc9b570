using System.Globalization;
using Warden.Core.Registry;
using Warden.Core.Settings;

namespace Warden.Core.Monitoring;

/// <summary>
/// With a <c>rollout.challenger</c> policy, a version may replace the champion only when it was shadowed or canaried and,
/// on labelled traffic, is no worse than the champion (by more than the tolerance) on every configured metric.
/// </summary>
public sealed class ChallengerPromotionGate(ModelSettings settings, RolloutComparison comparison) : IPromotionGate
{
    public string Name => "challenger";

    public async Task<PromotionCheck> CheckAsync(ModelVersionRecord candidate, ModelVersionRecord? champion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var plan = settings.Get<RolloutSettings>(candidate.Model, RolloutSettings.Kind);
        if (plan?.Challenger is not { } policy || champion is null)
        {
            return PromotionCheck.Pass(Name);
        }

        if (plan.Shadow != candidate.Version && plan.Canary?.Version != candidate.Version)
        {
            return new PromotionCheck(Name, false, [$"version {candidate.Version} was not compared with champion {champion.Version}; set it as rollout shadow or canary first"]);
        }

        var report = await comparison.CompareAsync(candidate.Model, champion.Version, candidate.Version, ModelRegistry.ReadCard(candidate), null, cancellationToken).ConfigureAwait(false);
        var failures = new List<string>();
        if (report.ChampionLabelled < policy.MinLabelled || report.ChallengerLabelled < policy.MinLabelled)
        {
            failures.Add($"too few labelled predictions to compare (champion {report.ChampionLabelled}, challenger {report.ChallengerLabelled}, need {policy.MinLabelled} each)");
        }
        else
        {
            foreach (var (metric, values) in report.Metrics)
            {
                if (values.Champion is not { } a || values.Challenger is not { } b)
                {
                    failures.Add($"{metric} is undefined on the labelled traffic");
                }
                else if (b < a - policy.Tolerance)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{metric} {b:0.####} is below champion {a:0.####} (tolerance {policy.Tolerance})"));
                }
            }
        }

        return failures.Count == 0 ? PromotionCheck.Pass(Name) : new PromotionCheck(Name, false, failures);
    }
}
