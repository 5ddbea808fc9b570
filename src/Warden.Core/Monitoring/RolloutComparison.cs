using Warden.Contracts.Monitoring;
using Warden.Contracts.Registry;
using Warden.Core.Predictions;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Monitoring;

/// <summary>
/// Compares a challenger with the champion on logged traffic. Shadow answers pair with the production answer of the same
/// request (agreement, score difference, quality on the same labelled requests); canary answers are a separate random
/// share of traffic, compared on their own labels.
/// </summary>
public sealed class RolloutComparison(IPredictionStore predictions, IFeedbackStore feedback, ModelSettings settings, RolloutState state)
{
    private const int PageSize = 5000;
    private const int MaxRows = 200_000;

    /// <summary>Compares <paramref name="challenger"/> (its card in <paramref name="challengerCard"/>) with <paramref name="champion"/>.</summary>
    public async Task<RolloutReport> CompareAsync(
        string model, string champion, string challenger, ModelCard challengerCard, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challengerCard);
        var plan = settings.Get<RolloutSettings>(model, RolloutSettings.Kind);
        var shadow = plan?.Shadow == challenger;
        var policy = plan?.Challenger ?? new ChallengerPolicy { Metrics = [.. RolloutMetrics.Names] };

        // A canary is compared on the traffic since its plan was set (its bake started then, as CanaryGuard counts it):
        // production answers from before would otherwise count as champion traffic of the comparison.
        if (!shadow && plan?.Canary?.Version == challenger && settings.GetVersion(model, RolloutSettings.Kind) is { } started
            && (since is null || since < started.Time))
        {
            since = started.Time;
        }

        var championRows = new Dictionary<string, StoredPrediction>(StringComparer.Ordinal);
        var challengerRows = new List<StoredPrediction>();
        long after = 0;
        for (var read = 0; read < MaxRows;)
        {
            var page = await predictions.QueryAsync(new PredictionQuery(model, since, after, PageSize), cancellationToken).ConfigureAwait(false);
            foreach (var p in page)
            {
                var isShadow = p.Purpose == RolloutSettings.ShadowPurpose && p.Id.EndsWith(RolloutSettings.ShadowIdSuffix, StringComparison.Ordinal);
                if (p.Version == champion && !isShadow)
                {
                    championRows[p.Id] = p;
                }
                else if (p.Version == challenger && isShadow == shadow)
                {
                    challengerRows.Add(p);
                }
            }

            read += page.Count;
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        string BaseId(StoredPrediction p) => shadow ? p.Id[..^RolloutSettings.ShadowIdSuffix.Length] : p.Id;
        var champions = shadow
            ? challengerRows.Select(c => championRows.GetValueOrDefault(BaseId(c))).OfType<StoredPrediction>().ToList()
            : championRows.Values.ToList();
        if (shadow)
        {
            challengerRows = challengerRows.Where(c => championRows.ContainsKey(BaseId(c))).ToList();
        }

        var score = challengerCard.ScoreOutput;
        var label = challengerCard.LabelOutput;
        (double Score, bool? Label) Read(StoredPrediction p)
        {
            var row = LoggedRow.Parse(p.OutputsJson);
            var s = score is null ? double.NaN : row.Number(score);
            var l = label is not null && row.Has(label) ? row.Number(label) == 1 : double.IsNaN(s) ? (bool?)null : s >= 0.5;
            return (s, l);
        }

        var report = new RolloutReport
        {
            Mode = shadow ? "shadow" : "canary",
            Champion = champion,
            Challenger = challenger,
            ChampionRequests = champions.Count,
            ChallengerRequests = challengerRows.Count,
            ChampionP50Ms = Percentile.NearestRank(champions.Select(p => p.LatencyMs).ToList(), 0.5),
            ChampionP99Ms = Percentile.NearestRank(champions.Select(p => p.LatencyMs).ToList(), 0.99),
            ChallengerP50Ms = Percentile.NearestRank(challengerRows.Select(p => p.LatencyMs).ToList(), 0.5),
            ChallengerP99Ms = Percentile.NearestRank(challengerRows.Select(p => p.LatencyMs).ToList(), 0.99),
        };
        if (shadow && challengerRows.Count > 0)
        {
            var pairs = challengerRows.Select(c => (Champion: Read(championRows[BaseId(c)]), Challenger: Read(c))).ToList();
            report.Agreement = pairs.Count(p => p.Champion.Label == p.Challenger.Label) / (double)pairs.Count;
            report.MeanAbsScoreDifference = pairs.All(p => !double.IsNaN(p.Champion.Score) && !double.IsNaN(p.Challenger.Score))
                ? pairs.Average(p => Math.Abs(p.Champion.Score - p.Challenger.Score))
                : null;
        }
        else if (!shadow && plan?.Canary is { } canary && canary.Version == challenger && settings.GetVersion(model, RolloutSettings.Kind) is { } version)
        {
            report.ChallengerErrorRate = state.Canary(model, challenger, version.Version).ErrorRate;
        }

        // Several stored predictions may share an id (a client reusing request ids): the latest label of an id wins.
        var labels = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var l in await feedback.QueryLabeledAsync(model, since, MaxRows, cancellationToken).ConfigureAwait(false))
        {
            labels[l.Prediction.Id] = LabelValues.IsPositive(l.Label, policy.PositiveLabel);
        }

        var championLabelled = Labelled(champions, p => p.Id);
        var challengerLabelled = Labelled(challengerRows, BaseId);
        report.ChampionLabelled = championLabelled.Count;
        report.ChallengerLabelled = challengerLabelled.Count;
        foreach (var metric in policy.Metrics)
        {
            report.Metrics[metric] = new MetricComparison
            {
                Champion = RolloutMetrics.Compute(metric, championLabelled.Select(r => r.Score).ToList(), championLabelled.Select(r => r.Predicted).ToList(), championLabelled.Select(r => r.Truth).ToList()),
                Challenger = RolloutMetrics.Compute(metric, challengerLabelled.Select(r => r.Score).ToList(), challengerLabelled.Select(r => r.Predicted).ToList(), challengerLabelled.Select(r => r.Truth).ToList()),
            };
        }

        return report;

        List<(double Score, bool Predicted, bool Truth)> Labelled(IEnumerable<StoredPrediction> rows, Func<StoredPrediction, string> id) =>
            rows.Select(p => (p, truth: labels.TryGetValue(id(p), out var t) ? t : (bool?)null, read: Read(p)))
                .Where(x => x.truth is not null && x.read.Label is not null)
                .Select(x => (x.read.Score, x.read.Label!.Value, x.truth!.Value))
                .ToList();
    }
}
