using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class AdversarialGradientTests
{
    [Theory]
    [InlineData(FairnessConstraint.DemographicParity)]
    [InlineData(FairnessConstraint.EqualizedOdds)]
    public void Hand_written_gradients_match_central_finite_differences(FairnessConstraint constraint)
    {
        var random = new Random(7);
        var x = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var y = Enumerable.Range(0, 40).Select(_ => (byte)random.Next(2)).ToArray();
        var a = Enumerable.Range(0, 40).Select(_ => (byte)random.Next(2)).ToArray();
        var g = new AdversarialGradients(x, y, a, constraint, 0.01);
        var theta = Enumerable.Range(0, 13).Select(_ => random.NextDouble() - 0.5).ToArray();
        var phi = Enumerable.Range(0, g.AdversaryParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        phi[g.AdversaryInputs] = 0.7; // c: |c| is not differentiable at 0

        AssertMatchesCentralDifferences(g, theta, phi, null);
    }

    /// <summary>A hidden-layer adversary (4 ReLU units), with the logistic and with the 3-unit network predictor.</summary>
    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, 0)]
    [InlineData(FairnessConstraint.EqualizedOdds, 0)]
    [InlineData(FairnessConstraint.EqualizedOdds, 3)]
    public void Hidden_adversary_gradients_match_central_finite_differences(FairnessConstraint constraint, int predictorHidden)
    {
        var random = new Random(13);
        var x = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 5).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var y = Enumerable.Range(0, 40).Select(_ => (byte)random.Next(2)).ToArray();
        var a = Enumerable.Range(0, 40).Select(_ => (byte)random.Next(2)).ToArray();
        var g = new AdversarialGradients(x, y, a, constraint, 0.01, predictorHidden, adversaryHidden: 4);
        var theta = Enumerable.Range(0, g.PredictorParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        var phi = Enumerable.Range(0, g.AdversaryParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        phi[g.SharpnessIndex] = 0.7; // c: |c| is not differentiable at 0

        Assert.Equal((4 * g.AdversaryInputs) + 8 + 2, g.AdversaryParameters);
        AssertMatchesCentralDifferences(g, theta, phi, null);
    }

    /// <summary>
    /// One hidden unit with W = (1), d = 0, u = 1 on f = s ≥ 0 is relu(s) = s: the adversary's logit equals the logistic
    /// adversary's u·s + e with u = 1, so both give the same losses and predictor gradients.
    /// </summary>
    [Fact]
    public void Hidden_adversary_of_one_identity_unit_is_the_logistic_adversary()
    {
        var random = new Random(17);
        var x = Enumerable.Range(0, 30).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var y = Enumerable.Range(0, 30).Select(_ => (byte)random.Next(2)).ToArray();
        var a = Enumerable.Range(0, 30).Select(_ => (byte)random.Next(2)).ToArray();
        var theta = Enumerable.Range(0, 5).Select(_ => random.NextDouble() - 0.5).ToArray();
        var logistic = new AdversarialGradients(x, y, a, FairnessConstraint.DemographicParity, 0);
        var hidden = new AdversarialGradients(x, y, a, FairnessConstraint.DemographicParity, 0, adversaryHidden: 1);

        var (lp, la, gp, ga, _) = logistic.Evaluate(theta, [1, 0.7, -0.2]);
        var (hp, ha, hgp, hga, _) = hidden.Evaluate(theta, [1, 0, 1, 0.7, -0.2]);

        Assert.Equal(lp, hp, 12);
        Assert.Equal(la, ha, 12);
        Assert.All(Enumerable.Range(0, 5), j => Assert.Equal(ga[j], hga[j], 12));
        Assert.All(Enumerable.Range(0, 5), j => Assert.Equal(gp[j], hgp[j], 12));
    }

    /// <summary>Every component of ∇_θ L_P, ∇_θ L_A and ∇_φ L_A against (L(p + h) − L(p − h))/2h with h = 1e-6, to 7 decimals.</summary>
    internal static void AssertMatchesCentralDifferences(AdversarialGradients g, double[] theta, double[] phi, double[]? dropout)
    {
        var (_, _, gp, ga, gphi) = g.Evaluate(theta, phi, null, dropout);
        const double h = 1e-6;
        for (var j = 0; j < theta.Length; j++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[j] += h;
            minus[j] -= h;
            var (pp, pa, _, _, _) = g.Evaluate(plus, phi, null, dropout);
            var (mp, ma, _, _, _) = g.Evaluate(minus, phi, null, dropout);
            Assert.Equal((pp - mp) / (2 * h), gp[j], 7);
            Assert.Equal((pa - ma) / (2 * h), ga[j], 7);
        }

        for (var k = 0; k < phi.Length; k++)
        {
            var plus = (double[])phi.Clone();
            var minus = (double[])phi.Clone();
            plus[k] += h;
            minus[k] -= h;
            var (_, pa, _, _, _) = g.Evaluate(theta, plus, null, dropout);
            var (_, ma, _, _, _) = g.Evaluate(theta, minus, null, dropout);
            Assert.Equal((pa - ma) / (2 * h), gphi[k], 7);
        }
    }

    /// <summary>∇L_P = (1, 0), ∇L_A = (1, 1), α = 2: ĝ = (1, 1)/√2, ∇L_P·ĝ = 1/√2, projection (½, ½) → step (1, 0) − (½, ½) − 2(1, 1) = (−1.5, −2.5).</summary>
    [Fact]
    public void Predictor_step_removes_the_projection_on_the_adversary_gradient_and_pushes_against_it()
    {
        var step = AdversarialDebiasing.PredictorStep([1, 0], [1, 1], 2);

        Assert.Equal(-1.5, step[0], 12);
        Assert.Equal(-2.5, step[1], 12);
    }

    /// <summary>∇L_P = (3, 4, 0), ∇L_A = (0, 2, 0), α = 0.5: ĝ = (0, 1, 0), projection (0, 4, 0) → step (3, 0, 0) − 0.5·(0, 2, 0) = (3, −1, 0).</summary>
    [Fact]
    public void Predictor_step_keeps_only_the_part_of_the_predictor_gradient_orthogonal_to_the_adversary_gradient()
    {
        var step = AdversarialDebiasing.PredictorStep([3, 4, 0], [0, 2, 0], 0.5);

        Assert.Equal(3, step[0], 12);
        Assert.Equal(-1, step[1], 12);
        Assert.Equal(0, step[2], 12);
    }

    [Fact]
    public void Predictor_step_never_helps_the_adversary_to_first_order()
    {
        var random = new Random(11);
        for (var trial = 0; trial < 100; trial++)
        {
            var gp = Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray();
            var ga = Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5).ToArray();
            var step = AdversarialDebiasing.PredictorStep(gp, ga, 0.1);

            // Descending along step changes L_A by −η·step·∇L_A = +η·α|∇L_A|² ≥ 0: the step is −α∇L_A plus a part orthogonal to ∇L_A.
            var dot = step.Zip(ga, (s, q) => s * q).Sum();
            Assert.Equal(-0.1 * ga.Sum(v => v * v), dot, 12);
        }
    }

    [Fact]
    public void Predictor_step_without_an_adversary_gradient_is_the_predictor_gradient()
    {
        Assert.Equal([0.25, -2.0], AdversarialDebiasing.PredictorStep([0.25, -2], [0, 0], 0.1));
    }

    [Fact]
    public void Same_seed_gives_the_same_predictor()
    {
        var rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")).Take(300).ToList();
        var scaler = FeatureScaler.Fit(rows);
        var x = scaler.Transform(rows);
        var y = rows.Select(r => r.Deny ? (byte)1 : (byte)0).ToArray();
        var a = rows.Select(r => (byte)r.Afam).ToArray();
        var options = new AdversarialOptions { Epochs = 2, MinimumSteps = 20, Seed = 3 };

        var first = (LinearClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.EqualizedOdds, options).Predictor;
        var second = (LinearClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.EqualizedOdds, options).Predictor;

        Assert.Equal(first.Weights, second.Weights);
        Assert.Equal(first.Bias, second.Bias);
    }
}
