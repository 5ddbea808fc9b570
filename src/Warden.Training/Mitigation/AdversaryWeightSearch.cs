using System.Globalization;
using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Target-driven adversary weight for <see cref="AdversarialDebiasing"/>: AIF360's fixed α = 0.1 is often too weak to bring a
/// linear predictor to a given disparity (HMDA: out-of-fold DP difference 0.078) and a large α can collapse it to the constant
/// classifier on other data (Arrests, α = 1). The search fits the debiased predictor for each α of
/// <see cref="AdversarialOptions.AlphaGrid"/> in increasing order on stratified inner folds of the training rows only, scores
/// the pooled inner out-of-fold predictions with the constraint's own disparity, fits once more on all training rows, and
/// keeps the first α whose inner out-of-fold *and* in-sample disparities are at or below <see cref="AdversarialOptions.Target"/>
/// (the smallest adequate weight, so the least accuracy given up), or the α with the smallest larger of the two when none
/// reaches it. When the inner out-of-fold disparity's sampling SE exceeds the target (CPS 1985: 0.049 for DP, 0.068 for EO;
/// HMDA EO: 0.03–0.06), the inner folds cannot tell a model that meets the target from one that misses it, and the α is
/// judged on its in-sample disparity alone: the inner figure would otherwise push the search to larger weights by noise,
/// giving up accuracy for nothing. No hold-out or outer-fold row is used.
/// </summary>
internal static class AdversaryWeightSearch
{
    /// <summary>
    /// One α tried: pooled inner out-of-fold accuracy, disparity and that disparity's sampling SE; the fit on all training rows'
    /// disparity and accuracy on those rows.
    /// </summary>
    internal readonly record struct Trial(double Alpha, double Accuracy, double Disparity, double InSample, double Noise = 0, double InSampleAccuracy = double.NaN)
    {
        /// <summary>
        /// What must reach the target: the larger of the in-sample and the inner out-of-fold disparity, or the in-sample one
        /// alone when the inner folds cannot resolve the target (their sampling SE above it).
        /// </summary>
        public double Excess(double target) => Noise > target ? InSample : Math.Max(InSample, Disparity);
    }

    public static (double Alpha, IReadOnlyList<Trial> Trials) Choose(IReadOnlyList<float[]> x, byte[] y, byte[] a, IReadOnlyList<string> groups,
        FairnessConstraint constraint, AdversarialOptions options)
    {
        var target = options.Target ?? throw new ArgumentException("The search needs a target disparity.", nameof(options));
        var folds = MitigationTrainer.StratifiedFolds(y.Select(v => v == 1).ToArray(), options.InnerFolds, options.Seed);
        var trials = new List<Trial>();
        foreach (var alpha in options.AlphaGrid)
        {
            var predicted = new bool[y.Length];
            foreach (var fold in folds)
            {
                var rows = Enumerable.Range(0, y.Length).Where(i => !fold.Contains(i)).ToArray();
                var (predictor, _, _, _, _) = AdversarialDebiasing.Fit(rows.Select(i => x[i]).ToArray(), rows.Select(i => y[i]).ToArray(),
                    rows.Select(i => a[i]).ToArray(), constraint, options with { Alpha = alpha, Target = null });
                foreach (var i in fold)
                {
                    predicted[i] = predictor.Decide(x[i]);
                }
            }

            // The fit on all training rows must also reach the target on those rows: the game's last iterate varies from fit
            // to fit, and a fit that misses in sample will not do better on new rows.
            var (full, _, _, _, _) = AdversarialDebiasing.Fit(x, y, a, constraint, options with { Alpha = alpha, Target = null });
            var decided = x.Select(r => full.Decide(r)).ToArray();
            var inSample = Disparity(decided, y, groups, constraint);
            var inSampleAccuracy = Enumerable.Range(0, y.Length).Count(i => decided[i] == (y[i] == 1)) / (double)y.Length;
            var accuracy = Enumerable.Range(0, y.Length).Count(i => predicted[i] == (y[i] == 1)) / (double)y.Length;
            var trial = new Trial(alpha, accuracy, Disparity(predicted, y, groups, constraint), inSample, Noise(predicted, y, groups, constraint), inSampleAccuracy);
            trials.Add(trial);
            if (trial.Excess(target) <= target && options.Selection == AdversarialSelection.Last)
            {
                return (alpha, trials);
            }
        }

        // With iterate selection every fit meets the target on its own rows whenever any of its iterates does, so "the smallest
        // adequate weight" would stop at the first: instead keep the adequate weight whose selected predictor is the most
        // accurate on the training rows (the smaller weight on a tie).
        var adequate = trials.Where(t => t.Excess(target) <= target).ToList();
        if (adequate.Count > 0)
        {
            return (adequate.MaxBy(t => t.InSampleAccuracy).Alpha, trials);
        }

        return (trials.MinBy(t => t.Excess(target)).Alpha, trials);
    }

    /// <summary>
    /// The sampling standard error of the inner out-of-fold disparity at these group sizes (<see cref="MitigationEvaluator.DifferenceStandardError"/>:
    /// selection rates over each group's rows for demographic parity, the larger of the TPR and FPR errors for equalized odds).
    /// </summary>
    internal static double Noise(IReadOnlyList<bool> predicted, IReadOnlyList<byte> y, IReadOnlyList<string> groups, FairnessConstraint constraint)
    {
        var events = constraint == FairnessConstraint.DemographicParity ? new byte?[] { null } : [0, 1];
        var worst = 0.0;
        foreach (var e in events)
        {
            var rows = Enumerable.Range(0, y.Count).Where(i => e is null || y[i] == e).GroupBy(i => groups[i], StringComparer.Ordinal).ToList();
            var rate = rows.ToDictionary(g => g.Key, g => (double?)(g.Count(i => predicted[i]) / (double)g.Count()), StringComparer.Ordinal);
            var count = rows.ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            worst = Math.Max(worst, MitigationEvaluator.DifferenceStandardError(rate, count) ?? 0);
        }

        return worst;
    }

    /// <summary>The search's record: "α 0.1: accuracy 0.8950, disparity 0.0500; …".</summary>
    public static string Describe(IEnumerable<Trial> trials) => string.Join("; ", trials.Select(t =>
        string.Create(CultureInfo.InvariantCulture, $"alpha {t.Alpha:R}: accuracy {t.Accuracy:0.0000}, disparity {t.Disparity:0.0000} (SE {t.Noise:0.0000}), in-sample {t.InSample:0.0000} (accuracy {t.InSampleAccuracy:0.0000})")));

    /// <summary>
    /// Demographic parity: max − min over groups of P(ŷ = 1 | g). Equalized odds: the larger over y ∈ {0, 1} of
    /// max − min over groups of P(ŷ = 1 | g, y) (groups without rows of that label skipped). Fairlearn's definitions.
    /// </summary>
    internal static double Disparity(IReadOnlyList<bool> predicted, IReadOnlyList<byte> y, IReadOnlyList<string> groups, FairnessConstraint constraint)
    {
        var events = constraint == FairnessConstraint.DemographicParity ? new byte?[] { null } : [0, 1];
        var worst = 0.0;
        foreach (var e in events)
        {
            var rates = Enumerable.Range(0, y.Count).Where(i => e is null || y[i] == e)
                .GroupBy(i => groups[i], StringComparer.Ordinal)
                .Select(g => g.Count(i => predicted[i]) / (double)g.Count())
                .ToList();
            if (rates.Count >= 2)
            {
                worst = Math.Max(worst, rates.Max() - rates.Min());
            }
        }

        return worst;
    }
}
