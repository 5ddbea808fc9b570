using Microsoft.ML;
using Warden.Training.Transfer;

namespace Warden.Training.Adaptation;

/// <summary>
/// Domain adaptation of the credit-risk learner on the HMDA split (<see cref="HmdaDomainSplit"/>). For each seed the target
/// rows are split (stratified by <c>deny</c>) into a test half and a pool; the pool's features serve as the unlabelled
/// target sample for the domain classifier, and a stratified sample of <c>calibrationRows</c> labelled pool rows is the
/// only target supervision. Methods scored on the test half:
/// <list type="bullet">
/// <item><c>source only</c>: trained on every source row.</item>
/// <item><c>importance weighted</c>: the same, with <see cref="ImportanceWeights"/> from the cross-validated domain classifier as ML.NET example weights.</item>
/// <item><c>source + Platt</c> / <c>source + isotonic</c>: the source model recalibrated on the labelled sample (Platt on the logit of its probability).</item>
/// <item><c>weighted + Platt</c>: both.</item>
/// <item><c>target only</c>: trained on the labelled sample alone (the reference without transfer).</item>
/// </list>
/// </summary>
public static class AdaptationExperiment
{
    /// <summary>Default labelled target rows used for recalibration.</summary>
    public const int DefaultCalibrationRows = 50;

    /// <summary>Share of target rows held out for testing in each seed.</summary>
    public const double TestFraction = 0.5;

    /// <summary>
    /// Runs the experiment on labelled <paramref name="source"/> and <paramref name="target"/> rows; returns the shift between
    /// the full domains, the importance weights' effective sample size and one outcome per method.
    /// </summary>
    public static (ShiftReport Shift, MetricSummary EffectiveSampleSize, IReadOnlyList<AdaptationOutcome> Outcomes) Run(
        IReadOnlyList<HmdaApplication> source, IReadOnlyList<HmdaApplication> target, IReadOnlyList<int> seeds,
        int calibrationRows = DefaultCalibrationRows, double clipPercentile = ImportanceWeights.DefaultClipPercentile)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(seeds);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("Give at least one seed.", nameof(seeds));
        }

        foreach (var (name, domain) in new[] { ("source", source), ("target", target) })
        {
            if (domain.Count(r => r.Deny) < 4 || domain.Count(r => !r.Deny) < 4)
            {
                throw new ArgumentException($"The {name} needs at least four rows of each class.");
            }
        }

        var sourceX = source.Select(r => r.Features()).ToArray();
        var sourceY = source.Select(r => r.Deny).ToArray();
        var shift = ShiftReport.Compute(HmdaDataset.FeatureNames, sourceX, target.Select(r => r.Features()).ToArray());

        var runs = new Dictionary<string, List<BinaryQuality>>();
        var ess = new List<double>();
        void Add(string method, BinaryQuality q)
        {
            if (!runs.TryGetValue(method, out var list))
            {
                runs[method] = list = [];
            }

            list.Add(q);
        }

        foreach (var seed in seeds)
        {
            var (pool, test) = StratifiedSplit.Split(target, r => r.Deny, TestFraction, seed);
            var labelled = TabularTransferCurve.Sample(pool, calibrationRows, seed);
            var testX = test.Select(r => r.Features()).ToArray();
            var testY = test.Select(r => r.Deny).ToArray();
            var calX = labelled.Select(r => r.Features()).ToArray();
            var calY = labelled.Select(r => r.Deny).ToArray();
            var context = new MLContext(seed);

            var sourceModel = WeightedLogisticRegression.Fit(context, sourceX, sourceY);
            var sourceTest = VectorRows.Probabilities(context, sourceModel, testX);
            var sourceCal = VectorRows.Probabilities(context, sourceModel, calX);
            Add("source only", BinaryQuality.Compute(testY, sourceTest));

            var domain = DomainClassifier.CrossValidate(sourceX, pool.Select(r => r.Features()).ToArray(), seed: seed);
            var weights = ImportanceWeights.FromDomainProbabilities(domain.SourceTargetProbability, source.Count, pool.Count, clipPercentile);
            ess.Add(weights.EffectiveSampleSize);
            var weightedModel = WeightedLogisticRegression.Fit(context, sourceX, sourceY, weights.Weights);
            var weightedTest = VectorRows.Probabilities(context, weightedModel, testX);
            Add("importance weighted", BinaryQuality.Compute(testY, weightedTest));

            var platt = PlattScaling.Fit(sourceCal.Select(PlattScaling.Logit).ToArray(), calY);
            Add("source + Platt", BinaryQuality.Compute(testY, sourceTest.Select(p => platt.Apply(PlattScaling.Logit(p))).ToArray()));

            var isotonic = IsotonicCalibration.Fit(sourceCal, calY);
            Add("source + isotonic", BinaryQuality.Compute(testY, sourceTest.Select(isotonic.Apply).ToArray()));

            var weightedCal = VectorRows.Probabilities(context, weightedModel, calX);
            var weightedPlatt = PlattScaling.Fit(weightedCal.Select(PlattScaling.Logit).ToArray(), calY);
            Add("weighted + Platt", BinaryQuality.Compute(testY, weightedTest.Select(p => weightedPlatt.Apply(PlattScaling.Logit(p))).ToArray()));

            var targetOnly = WeightedLogisticRegression.Fit(context, calX, calY);
            Add("target only", BinaryQuality.Compute(testY, VectorRows.Probabilities(context, targetOnly, testX)));
        }

        return (shift, MetricSummary.Of(ess), runs.Select(kv => AdaptationOutcome.Of(kv.Key, kv.Value)).ToArray());
    }

    /// <summary>A Markdown table of <paramref name="outcomes"/>.</summary>
    public static string ToMarkdown(IEnumerable<AdaptationOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        static string F(MetricSummary m) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.Mean:0.000} ± {m.StandardDeviation:0.000}");
        var text = new System.Text.StringBuilder("| method | AUC | accuracy | log-loss (bits) | Brier | ECE |\n|---|---|---|---|---|---|\n");
        foreach (var o in outcomes)
        {
            text.Append("| ").Append(o.Method).Append(" | ").Append(F(o.Auc)).Append(" | ").Append(F(o.Accuracy)).Append(" | ")
                .Append(F(o.LogLoss)).Append(" | ").Append(F(o.Brier)).Append(" | ").Append(F(o.Ece)).Append(" |\n");
        }

        return text.ToString();
    }
}
