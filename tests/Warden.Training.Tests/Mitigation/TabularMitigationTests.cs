using Warden.Core.Fairness;
using Warden.Training.Mitigation;
using Warden.Training.Tabular;

namespace Warden.Training.Tests.Mitigation;

/// <summary>Mitigations on CSVs other than HMDA, through the generic tabular path.</summary>
public class TabularMitigationTests
{
    private static MitigationData Train(string file, TabularSpec spec, out MitigationData holdout)
    {
        var all = TabularTable.Load(Warden.Tests.RepoFiles.Path("samples/data/" + file), spec);
        var (train, test) = StratifiedSplit.Split(Enumerable.Range(0, all.RowCount).ToArray(), i => all.Labels[i], 0.2, 42);
        var encoder = TabularEncoder.Fit(all.Rows(train));
        MitigationData Data(TabularTable t) => new(encoder.Encode(t), t.Labels, t.Sensitive[spec.Sensitive[0]], spec.Sensitive[0]);
        holdout = Data(all.Rows(test));
        return Data(all.Rows(train));
    }

    [Theory]
    [InlineData("cps1985.csv", "wage", ">7.78", "gender")]
    [InlineData("arrests.csv", "released", "Yes", "colour")]
    public void Exponentiated_gradient_converges_and_meets_demographic_parity_on_the_training_rows(string file, string label, string positive, string sensitive)
    {
        var train = Train(file, new TabularSpec { Label = label, Positive = positive, Sensitive = [sensitive] }, out var holdout);
        var run = MitigationTrainer.Run(train, holdout, MitigationMethod.ExponentiatedGradient, FairnessConstraint.DemographicParity, 42);
        var reduction = run.Fitted.Reduction!;

        Assert.True(reduction.Gap < reduction.Nu, $"gap {reduction.Gap} ≥ ν {reduction.Nu} after {reduction.Iterations} iterations");

        // On the rows it was fitted on, the mixture's selection rates are within 2ε = 0.02 of each other (each within ε of the overall).
        var scaled = run.Fitted.Scaler.Transform(train.Features);
        var rates = train.Groups.Distinct().Select(g => Enumerable.Range(0, train.Count).Where(i => train.Groups[i] == g)
            .Average(i => reduction.PositiveProbability(scaled[i]))).ToArray();
        Assert.True(rates.Max() - rates.Min() <= 0.02 + 1e-6, $"training DP difference {rates.Max() - rates.Min()}");

        // The report's in-sample metrics are those rates.
        Assert.Equal(rates.Max() - rates.Min(), run.Report.Training!.DemographicParityDifference!.Value, 9);
    }

    /// <summary>
    /// Fairlearn's <c>EqualizedOdds</c> moment: for each label y and group a, γ = P(ŷ = 1 | A = a, Y = y) − P(ŷ = 1 | Y = y)
    /// within ±ε on the training rows. Checked here from the mixture's probabilities, independently of the reduction's own
    /// bookkeeping, with a tolerance of 0.002 for stopping at gap &lt; ν (measured worst |γ|: HMDA 0.0103).
    /// </summary>
    [Theory]
    [InlineData("hmda.csv", "deny", "yes", "afam")]
    [InlineData("cps1985.csv", "wage", ">7.78", "gender")]
    public void Exponentiated_gradient_meets_the_equalized_odds_moments_on_the_training_rows(string file, string label, string positive, string sensitive)
    {
        var train = Train(file, new TabularSpec { Label = label, Positive = positive, Sensitive = [sensitive] }, out var holdout);
        var run = MitigationTrainer.Run(train, holdout, MitigationMethod.ExponentiatedGradient, FairnessConstraint.EqualizedOdds, 42);
        var reduction = run.Fitted.Reduction!;
        var scaled = run.Fitted.Scaler.Transform(train.Features);
        var p = scaled.Select(r => reduction.PositiveProbability(r)).ToArray();

        foreach (var y in new[] { false, true })
        {
            var overall = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == y).Average(i => p[i]);
            foreach (var g in train.Groups.Distinct())
            {
                var rate = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == y && train.Groups[i] == g).Average(i => p[i]);
                Assert.True(Math.Abs(rate - overall) <= 0.01 + 0.002, $"y={y} {g}: gamma {rate - overall}");
            }
        }
    }

    /// <summary>
    /// Adversarial debiasing with AIF360's adversary weight (0.1) is not the constant classifier: on the hold-out it predicts both
    /// classes, beats predicting the majority class, and has a smaller DP difference than the unmitigated model.
    /// Measured (hold-out accuracy / DP, baseline → adversarial): Arrests 0.8373 / 0.0335 → 0.8344 / 0.0211 (majority 0.8297),
    /// CPS 1985 0.6916 / 0.1422 → 0.7103 / 0.0678 (majority 0.5327), HMDA 0.8950 / 0.0450 → 0.9013 / 0.0151 (majority 0.8866).
    /// </summary>
    [Theory]
    [InlineData("arrests.csv", "released", "Yes", "colour")]
    [InlineData("cps1985.csv", "wage", ">7.78", "gender")]
    [InlineData("hmda.csv", "deny", "yes", "afam")]
    public void Adversarial_debiasing_is_a_non_trivial_classifier_that_lowers_demographic_parity_on_real_data(
        string file, string label, string positive, string sensitive)
    {
        var train = Train(file, new TabularSpec { Label = label, Positive = positive, Sensitive = [sensitive] }, out var holdout);
        var report = MitigationTrainer.Run(train, holdout, MitigationMethod.Adversarial, FairnessConstraint.DemographicParity, 42).Report;
        var (before, after) = (report.Before, report.After);
        var positives = holdout.Labels.Count(l => l);
        var majority = Math.Max(positives, holdout.Count - positives) / (double)holdout.Count;
        var rates = after.SelectionRate.Values.Select(v => v!.Value).ToArray();
        var show = $"baseline acc {before.Accuracy} DP {before.DemographicParityDifference}; adversarial acc {after.Accuracy} DP {after.DemographicParityDifference}; majority {majority}; rates {string.Join(", ", rates)}";

        Assert.True(after.Accuracy > majority, show);
        Assert.Contains(rates, r => r is > 0 and < 1); // not the constant classifier
        Assert.True(after.DemographicParityDifference < before.DemographicParityDifference, show);
    }
}
