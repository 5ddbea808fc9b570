using Warden.Core.Drift;
using Microsoft.ML;

namespace Warden.Training.Adaptation;

/// <summary>
/// Shift detection with a domain classifier (Lopez-Paz &amp; Oquab 2017, "Revisiting classifier two-sample tests", ICLR;
/// Rabanser, Günnemann &amp; Lipton 2019): a logistic regression learns to tell target rows (d = 1) from source rows (d = 0),
/// and its k-fold cross-validated (out-of-fold) AUC measures how separable the domains are: 0.5 means no detectable
/// shift, 1 complete separation. The out-of-fold P(d = t | x) of source rows feed <see cref="ImportanceWeights"/>.
/// </summary>
/// <param name="Auc">Out-of-fold ROC AUC of the domain classifier.</param>
/// <param name="Folds">Cross-validation folds.</param>
/// <param name="SourceTargetProbability">Out-of-fold P(d = t | x) for each source row, in input order.</param>
/// <param name="TargetTargetProbability">Out-of-fold P(d = t | x) for each target row, in input order.</param>
public sealed record DomainClassifier(
    double Auc, int Folds, IReadOnlyList<double> SourceTargetProbability, IReadOnlyList<double> TargetTargetProbability)
{
    /// <summary>Default number of folds.</summary>
    public const int DefaultFolds = 5;

    /// <summary>
    /// Cross-validates the domain classifier. Folds are stratified by domain: each domain's rows are shuffled with a seeded
    /// Fisher–Yates shuffle and dealt round-robin into <paramref name="folds"/> folds.
    /// </summary>
    public static DomainClassifier CrossValidate(IReadOnlyList<float[]> source, IReadOnlyList<float[]> target,
        int folds = DefaultFolds, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        if (source.Count < folds || target.Count < folds)
        {
            throw new ArgumentException($"Each domain needs at least {folds} rows for {folds}-fold cross-validation.");
        }

        var features = source.Concat(target).ToArray();
        var isTarget = Enumerable.Repeat(false, source.Count).Concat(Enumerable.Repeat(true, target.Count)).ToArray();
        var fold = new int[features.Length];
        var shuffle = new SeededShuffle(seed);
        foreach (var domain in new[] { false, true })
        {
            var indices = Enumerable.Range(0, features.Length).Where(i => isTarget[i] == domain).ToArray();
            shuffle.Shuffle(indices);
            for (var k = 0; k < indices.Length; k++)
            {
                fold[indices[k]] = k % folds;
            }
        }

        var probability = new double[features.Length];
        for (var f = 0; f < folds; f++)
        {
            var trainIdx = Enumerable.Range(0, features.Length).Where(i => fold[i] != f).ToArray();
            var testIdx = Enumerable.Range(0, features.Length).Where(i => fold[i] == f).ToArray();
            var context = new MLContext(seed);
            var model = WeightedLogisticRegression.Fit(
                context, trainIdx.Select(i => features[i]).ToArray(), trainIdx.Select(i => isTarget[i]).ToArray());
            var p = VectorRows.Probabilities(context, model, testIdx.Select(i => features[i]).ToArray());
            for (var k = 0; k < testIdx.Length; k++)
            {
                probability[testIdx[k]] = p[k];
            }
        }

        return new DomainClassifier(
            ClassificationMetrics.RocAuc(probability, isTarget), folds, probability[..source.Count], probability[source.Count..]);
    }
}
