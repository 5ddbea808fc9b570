using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class ExponentiatedGradientTests
{
    /// <summary>
    /// Two groups of 200 rows whose only feature is the group (x = 1 for A, 0 for B); deny rate 0.75 in A, 0.25 in B.
    /// Any classifier is a pair of selection rates (p_A, p_B): error = ½[0.75(1 − p_A) + 0.25 p_A] + ½[0.25(1 − p_B) + 0.75 p_B]
    /// = 0.5 − 0.25(p_A − p_B). Demographic parity within ε: γ_A = p_A − (p_A + p_B)/2 = (p_A − p_B)/2 ≤ ε, so p_A − p_B ≤ 2ε and the
    /// optimum is error 0.5 − 0.5ε with selection-rate difference 2ε (ε = 0.05: error 0.475, difference 0.1); unconstrained, error 0.25.
    /// </summary>
    [Fact]
    public void Demographic_parity_reduction_finds_the_constrained_optimum_of_a_two_group_problem()
    {
        var x = new List<float[]>();
        var y = new List<byte>();
        var group = new List<int>();
        for (var i = 0; i < 400; i++)
        {
            var a = i < 200 ? 1 : 0;
            var positive = a == 1 ? i % 4 != 0 : i % 4 == 0;
            var features = new float[12];
            features[0] = a;
            x.Add(features);
            y.Add(positive ? (byte)1 : (byte)0);
            group.Add(a);
        }

        var learner = new WeightedLogisticLearner(1);
        var eg = new ExponentiatedGradient(x, y.ToArray(), group.ToArray(), FairnessConstraint.DemographicParity, 0.05,
            (xs, labels, weights) => learner.Fit(xs, labels, weights));
        var result = eg.Fit(50, 2.0);

        var p = x.Select(r => result.PositiveProbability(r)).ToArray();
        var error = Enumerable.Range(0, 400).Average(i => y[i] == 1 ? 1 - p[i] : p[i]);
        var selectionA = p.Take(200).Average();
        var selectionB = p.Skip(200).Average();
        // With Fairlearn's linear-programming step the mixture over the classifiers found is the LP optimum: the unfair rule
        // with weight 2ε/… so the difference is 2ε = 0.1 and the error the constrained optimum 0.475, and the gap is below ν.
        Assert.InRange(selectionA - selectionB, 0.1 - 0.005, 0.1 + 0.005);
        Assert.InRange(error, 0.475 - 0.0025, 0.475 + 0.0025);
        Assert.True(result.Gap < result.Nu, $"gap {result.Gap} ≥ ν {result.Nu}");
        Assert.Equal(1.0, result.Weights.Sum(), 9);
    }

    /// <summary>
    /// Rows (group, y): (0,1), (0,0), (1,0), (1,0); demographic parity, λ = [λ₀₊, λ₀₋, λ₁₊, λ₁₋] = [0.4, 0, 0, 0.1], so μ₀ = 0.4, μ₁ = −0.1,
    /// Σμ = 0.3, n = 4, n₀ = n₁ = 2. Cost of predicting 1 (× n): c_i = (1 − 2y_i) + 4(μ_{a_i}/2 − 0.3/4) = (1 − 2y_i) + 2μ_{a_i} − 0.3:
    /// row 0: −1 + 0.8 − 0.3 = −0.5; row 1: 1 + 0.8 − 0.3 = 1.5; rows 2, 3: 1 − 0.2 − 0.3 = 0.5.
    /// </summary>
    [Fact]
    public void Cost_of_predicting_one_follows_the_lagrangian_by_hand()
    {
        var x = Enumerable.Range(0, 4).Select(_ => new float[12]).ToList();
        var eg = new ExponentiatedGradient(x, [1, 0, 0, 0], [0, 0, 1, 1], FairnessConstraint.DemographicParity, 0.01,
            (_, _, _) => throw new InvalidOperationException("not used"));

        var costs = eg.Costs([0.4, 0, 0, 0.1]);

        Assert.Equal([-0.5, 1.5, 0.5, 0.5], costs.Select(c => Math.Round(c, 12)));
        // γ for predictions (1, 0, 1, 1): group 0 selects ½, group 1 selects 1, overall ¾ → γ₀ = −¼, γ₁ = ¼.
        Assert.Equal([-0.25, 0.25, 0.25, -0.25], eg.Gammas([1, 0, 1, 1]));
    }

    [Fact]
    public void Best_single_classifier_is_the_most_accurate_one_within_epsilon_or_else_the_least_violating()
    {
        var h = LinearClassifier.Constant(1, true);
        ExponentiatedGradientResult Result(double[] errors, double[] violations) =>
            new(errors.Select(_ => h).ToArray(), errors.Select(_ => 1.0 / errors.Length).ToArray(), [], 0, 1, 0, 0, errors, violations);

        // Classifier 0 is the most accurate but violates; 2 is the most accurate of those with |γ| ≤ 0.01.
        Assert.Equal(2, Result([0.10, 0.20, 0.15, 0.30], [0.05, 0.01, 0.005, 0.0]).BestSingle(0.01));

        // None within ε = 0.01: the least violating one, ties broken by error.
        Assert.Equal(2, Result([0.10, 0.12, 0.11], [0.05, 0.02, 0.02]).BestSingle(0.01));
    }
}
