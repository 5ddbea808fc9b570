using Microsoft.ML;
using Warden.Training.Adaptation;

namespace Warden.Training.Transfer;

/// <summary>
/// Learning curve of warm-start fine-tuning against training from scratch on the HMDA domain split
/// (<see cref="HmdaDomainSplit"/>). The base model is the credit-risk pipeline trained on every source row. For each seed the
/// target rows are split (stratified by <c>deny</c>) into a test set and a pool; for each size n a stratified sample of
/// about n pool rows is drawn, and three kinds of model are scored on the test set: the base model unchanged
/// (<c>source only</c>), the full pipeline trained on the sample (<c>scratch</c>), and the base model fine-tuned on the
/// sample with each L-BFGS iteration budget (<c>fine-tune k</c>).
/// </summary>
public static class TabularTransferCurve
{
    /// <summary>Default target sizes.</summary>
    public static IReadOnlyList<int> DefaultSizes { get; } = [25, 50, 100, 200];

    /// <summary>Default fine-tuning iteration budgets: the default, two longer ones and one that runs to convergence.</summary>
    public static IReadOnlyList<int> DefaultBudgets { get; } = [WarmStartFineTuner.DefaultIterations, 5, 10, 100];

    /// <summary>Share of the target rows held out for testing in each seed.</summary>
    public const double TestFraction = 0.4;

    /// <summary>Runs the curve on <paramref name="rows"/> (the HMDA data).</summary>
    public static IReadOnlyList<LearningCurvePoint> Run(IReadOnlyList<HmdaApplication> rows, IReadOnlyList<int> sizes,
        IReadOnlyList<int> seeds, IReadOnlyList<int> iterationBudgets)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(iterationBudgets);
        if (seeds.Count == 0 || sizes.Count == 0)
        {
            throw new ArgumentException("Give at least one seed and one size.");
        }

        var (source, target) = HmdaDomainSplit.Split(rows);
        var baseContext = new MLContext(0);
        var baseModel = WarmStartFineTuner.FromScratch(baseContext, source);

        var results = new Dictionary<(string Method, int Size), List<(int Rows, BinaryQuality Quality)>>();
        void Add(string method, int size, int count, BinaryQuality q)
        {
            if (!results.TryGetValue((method, size), out var list))
            {
                results[(method, size)] = list = [];
            }

            list.Add((count, q));
        }

        foreach (var seed in seeds)
        {
            var (pool, test) = StratifiedSplit.Split(target, r => r.Deny, TestFraction, seed);
            var labels = test.Select(r => r.Deny).ToArray();
            var context = new MLContext(seed);
            var sourceOnly = BinaryQuality.Compute(labels, WarmStartFineTuner.Probabilities(context, baseModel, test));
            Add("source only", 0, 0, sourceOnly);

            foreach (var size in sizes)
            {
                var sample = Sample(pool, size, seed);
                Add("scratch", size, sample.Count,
                    BinaryQuality.Compute(labels, WarmStartFineTuner.Probabilities(context, WarmStartFineTuner.FromScratch(context, sample), test)));
                foreach (var budget in iterationBudgets)
                {
                    var tuned = WarmStartFineTuner.FineTune(context, baseModel, sample, budget);
                    Add($"fine-tune {budget}", size, sample.Count,
                        BinaryQuality.Compute(labels, WarmStartFineTuner.Probabilities(context, tuned, test)));
                }
            }
        }

        return results
            .OrderBy(kv => kv.Key.Size)
            .ThenBy(kv => MethodOrder(kv.Key.Method))
            .Select(kv => new LearningCurvePoint(
                kv.Key.Method,
                kv.Value.Average(v => v.Rows),
                kv.Value.Count,
                MetricSummary.Of(kv.Value.Select(v => v.Quality.Auc).ToArray()),
                MetricSummary.Of(kv.Value.Select(v => v.Quality.Accuracy).ToArray()),
                MetricSummary.Of(kv.Value.Select(v => v.Quality.LogLoss).ToArray())))
            .ToArray();
    }

    /// <summary>A stratified sample of about <paramref name="size"/> rows of <paramref name="pool"/> (all of it if smaller).</summary>
    internal static IReadOnlyList<HmdaApplication> Sample(IReadOnlyList<HmdaApplication> pool, int size, int seed) =>
        size >= pool.Count ? pool : StratifiedSplit.Split(pool, r => r.Deny, (double)size / pool.Count, seed).Holdout;

    private static int MethodOrder(string method) => method switch
    {
        "source only" => 0,
        "scratch" => 1,
        _ => 2,
    };
}
