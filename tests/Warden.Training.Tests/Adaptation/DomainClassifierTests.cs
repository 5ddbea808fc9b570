using Warden.Training.Adaptation;

namespace Warden.Training.Tests.Adaptation;

public class DomainClassifierTests
{
    [Fact]
    public void Separable_domains_give_auc_one()
    {
        var gen = new Gaussian(1);
        var source = Enumerable.Range(0, 200).Select(_ => new[] { (float)gen.Uniform(), (float)gen.Next() }).ToArray();
        var target = Enumerable.Range(0, 200).Select(_ => new[] { 2 + (float)gen.Uniform(), (float)gen.Next() }).ToArray();

        var result = DomainClassifier.CrossValidate(source, target, folds: 5, seed: 7);

        Assert.Equal(1.0, result.Auc, 6);
    }

    [Fact]
    public void Unit_gaussian_mean_shift_gives_the_binormal_auc()
    {
        // Source N(0,1), target N(1,1) in one dimension: any classifier increasing in x has AUC P(X_t > X_s) = Φ(1/√2) = 0.76025.
        var gen = new Gaussian(2);
        var source = Enumerable.Range(0, 1500).Select(_ => new[] { (float)gen.Next() }).ToArray();
        var target = Enumerable.Range(0, 1500).Select(_ => new[] { 1 + (float)gen.Next() }).ToArray();

        var result = DomainClassifier.CrossValidate(source, target, folds: 5, seed: 7);

        // Standard error of an AUC near 0.76 with 1,500 per class is about 0.009 (Hanley & McNeil 1982).
        Assert.InRange(result.Auc, 0.76025 - 0.03, 0.76025 + 0.03);
        Assert.Equal(1500, result.SourceTargetProbability.Count);
        Assert.Equal(1500, result.TargetTargetProbability.Count);
    }

    [Fact]
    public void Identical_distributions_give_auc_near_one_half()
    {
        var gen = new Gaussian(3);
        var source = Enumerable.Range(0, 1500).Select(_ => new[] { (float)gen.Next(), (float)gen.Next() }).ToArray();
        var target = Enumerable.Range(0, 1500).Select(_ => new[] { (float)gen.Next(), (float)gen.Next() }).ToArray();

        var result = DomainClassifier.CrossValidate(source, target, folds: 5, seed: 7);

        Assert.InRange(result.Auc, 0.44, 0.56);
    }

    /// <summary>Box–Muller normal deviates from the project's seeded SplitMix64 stream.</summary>
    private sealed class Gaussian(int seed)
    {
        private readonly SeededShuffle _bits = new(seed);

        public double Uniform() => ((_bits.Next() >> 11) + 0.5) / (1UL << 53);

        public double Next() => Math.Sqrt(-2 * Math.Log(Uniform())) * Math.Cos(2 * Math.PI * Uniform());
    }
}
