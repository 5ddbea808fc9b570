using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

/// <summary>Weight decay and early stopping of the adversarial predictor (logistic and hidden-layer).</summary>
public class AdversarialRegularisationTests
{
    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, 0)]
    [InlineData(FairnessConstraint.EqualizedOdds, 0)]
    [InlineData(FairnessConstraint.DemographicParity, 6)]
    [InlineData(FairnessConstraint.EqualizedOdds, 6)]
    public void Weight_decay_gradient_matches_central_finite_differences_and_is_lambda_times_each_weight(FairnessConstraint constraint, int hidden)
    {
        const int rows = 30;
        const int features = 5;
        const double lambda = 0.3;
        var random = new Random(11);
        var x = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray()).ToList();
        var y = Enumerable.Range(0, rows).Select(_ => (byte)random.Next(2)).ToArray();
        var a = Enumerable.Range(0, rows).Select(_ => (byte)random.Next(2)).ToArray();
        var decayed = new AdversarialGradients(x, y, a, constraint, lambda, hidden);
        var plain = new AdversarialGradients(x, y, a, constraint, 0, hidden);
        var theta = Enumerable.Range(0, decayed.PredictorParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        var phi = Enumerable.Range(0, decayed.AdversaryParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        phi[decayed.AdversaryInputs] = 0.7; // c: |c| is not differentiable at 0

        AdversarialGradientTests.AssertMatchesCentralDifferences(decayed, theta, phi, null);

        // The penalty's own share, worked out independently: λ·w on every weight, 0 on every bias, (λ/2)Σw² in L_P, nothing in L_A.
        var weight = Enumerable.Range(0, theta.Length).Select(j => IsWeight(j, features, hidden)).ToArray();
        var with = decayed.Evaluate(theta, phi);
        var without = plain.Evaluate(theta, phi);
        for (var j = 0; j < theta.Length; j++)
        {
            Assert.Equal(weight[j] ? lambda * theta[j] : 0, with.GradPTheta[j] - without.GradPTheta[j], 12);
            Assert.Equal(without.GradATheta[j], with.GradATheta[j], 15);
        }

        Assert.Equal(0.5 * lambda * theta.Where((_, j) => weight[j]).Sum(v => v * v), with.LossP - without.LossP, 12);
        Assert.Equal(without.LossA, with.LossA, 15);
        Assert.Equal(without.GradAPhi, with.GradAPhi);
    }

    [Fact]
    public void Weight_decay_shrinks_the_fitted_weights()
    {
        var (x, y, a) = Separable(120, 3);
        var options = new AdversarialOptions { Epochs = 20, MinimumSteps = 200, BatchSize = 32, HiddenUnits = 4, Seed = 5 };

        var loose = (HiddenLayerClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.DemographicParity, options).Predictor;
        var tight = (HiddenLayerClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.DemographicParity, options with { L2 = 1 }).Predictor;

        Assert.True(Norm(tight.InputWeights) + Norm(tight.OutputWeights) < 0.5 * (Norm(loose.InputWeights) + Norm(loose.OutputWeights)));
    }

    /// <summary>
    /// Epochs (accuracy, disparity), target 0.02: (0.70, 0.05) and (0.75, 0.03) miss it; of (0.72, 0.01), (0.71, 0.015) and
    /// (0.72, 0.02) the most accurate is 0.72, first reached at index 1. With target 0.005 none meets it: the least disparate is
    /// index 1 (0.01). On a disparity tie the more accurate wins.
    /// </summary>
    [Fact]
    public void Stopping_rule_picks_the_most_accurate_epoch_within_the_target_else_the_least_disparate()
    {
        (double, double)[] trace = [(0.70, 0.05), (0.72, 0.01), (0.75, 0.03), (0.71, 0.015), (0.72, 0.02)];

        Assert.Equal(1, AdversarialStopping.Choose(trace, 0.02));
        Assert.Equal(2, AdversarialStopping.Choose(trace, 0.03));
        Assert.Equal(1, AdversarialStopping.Choose(trace, 0.005));
        Assert.Equal(1, AdversarialStopping.Choose([(0.6, 0.04), (0.7, 0.04), (0.65, 0.05)], 0.01));
    }

    [Fact]
    public void Held_out_fold_is_stratified_by_label_and_group()
    {
        var y = Enumerable.Range(0, 40).Select(i => (byte)(i % 2)).ToArray();
        var a = Enumerable.Range(0, 40).Select(i => (byte)(i / 20)).ToArray();

        var held = AdversarialDebiasing.HeldOutRows(y, a, 4, 3);

        // Each (label, group) stratum has 10 rows, dealt round-robin over 4 folds from its first row: the first fold gets 3 of each.
        foreach (var (label, group) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
        {
            Assert.Equal(3, held.Count(i => y[i] == label && a[i] == group));
        }

        Assert.Equal(12, held.Count);

        Assert.Empty(AdversarialDebiasing.HeldOutRows(y, a, 0, 3));
    }

    /// <summary>
    /// A label that is the sign of the first feature, the group independent of it, no fairness demand (target 1): the network
    /// reaches every held-out row, so the returned epoch must be one with held-out accuracy 1 (the first such), and the returned
    /// predictor must score the held-out rows as the trace says.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Early_stopping_returns_the_first_epoch_that_classifies_every_held_out_row(int hidden)
    {
        var (x, y, a) = Separable(120, 7);
        var options = new AdversarialOptions
        {
            Epochs = 10, MinimumSteps = 60, BatchSize = 32, HiddenUnits = hidden, Alpha = 0, EarlyStoppingFolds = 4, StoppingTarget = 1, Seed = 2,
        };

        var (predictor, _, _, stopping, _) = AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.DemographicParity, options);

        Assert.NotNull(stopping);
        Assert.Equal(32, stopping.HeldOutRows); // 4 (label, group) strata of 30 rows, each dealt over 4 folds: 8 of each in the first
        Assert.Equal(1.0, stopping.Trace[stopping.Epoch].Accuracy);
        Assert.All(stopping.Trace.Take(stopping.Epoch), e => Assert.True(e.Accuracy < 1));
        var held = AdversarialDebiasing.HeldOutRows(y, a, 4, options.Seed);
        Assert.All(held, i => Assert.Equal(y[i] == 1, predictor.Decide(x[i])));
    }

    [Fact]
    public void Without_early_stopping_there_is_no_stopping_record_and_defaults_add_nothing()
    {
        var (x, y, a) = Separable(60, 1);
        var defaults = new AdversarialOptions();
        var options = defaults with { Epochs = 2, MinimumSteps = 10, BatchSize = 16 };

        var (_, _, _, stopping, _) = AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.EqualizedOdds, options);

        Assert.Null(stopping);
        Assert.Equal(0, defaults.L2);
        Assert.Equal(0, defaults.EarlyStoppingFolds);
    }

    // Label = (x0 > 0); the group alternates independently of it; the other features are noise. Margins kept away from 0.
    private static (float[][] X, byte[] Y, byte[] A) Separable(int rows, int seed)
    {
        var random = new Random(seed);
        var x = Enumerable.Range(0, rows).Select(i =>
        {
            var sign = i % 2 == 0 ? 1 : -1;
            return new[] { (float)(sign * (0.5 + random.NextDouble())), (float)random.NextDouble(), (float)random.NextDouble() };
        }).ToArray();
        var y = x.Select(r => r[0] > 0 ? (byte)1 : (byte)0).ToArray();
        var a = Enumerable.Range(0, rows).Select(i => (byte)((i / 2) % 2)).ToArray();
        return (x, y, a);
    }

    private static bool IsWeight(int j, int features, int hidden) =>
        hidden == 0 ? j < features : j < hidden * features || (j >= (hidden * features) + hidden && j < (hidden * features) + (2 * hidden));

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(w => w * w));
}
