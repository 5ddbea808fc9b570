namespace Warden.Training.Adaptation;

/// <summary>How far a target sample is from a source sample: domain-classifier AUC and per-feature KS tests.</summary>
/// <param name="SourceRows">Source rows.</param>
/// <param name="TargetRows">Target rows.</param>
/// <param name="DomainAuc">Cross-validated AUC of the domain classifier (<see cref="DomainClassifier"/>).</param>
/// <param name="Features">KS test of each feature, in input order.</param>
public sealed record ShiftReport(int SourceRows, int TargetRows, double DomainAuc, IReadOnlyList<TwoSampleKs> Features)
{
    /// <summary>Compares <paramref name="source"/> with <paramref name="target"/> (rows of <paramref name="featureNames"/>).</summary>
    public static ShiftReport Compute(IReadOnlyList<string> featureNames, IReadOnlyList<float[]> source, IReadOnlyList<float[]> target,
        int folds = DomainClassifier.DefaultFolds, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        var domain = DomainClassifier.CrossValidate(source, target, folds, seed);
        var ks = featureNames.Select((name, f) => TwoSampleKs.Test(name,
            source.Select(r => (double)r[f]).ToArray(), target.Select(r => (double)r[f]).ToArray())).ToArray();
        return new ShiftReport(source.Count, target.Count, domain.Auc, ks);
    }
}
