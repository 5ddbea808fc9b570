using Warden.Core.Fairness;
using Warden.Training.Mitigation;
using Warden.Training.Tabular;

namespace Warden.Training.Tests.Mitigation;

/// <summary>
/// The threshold optimiser against the optimum of a linear program over every randomised threshold rule (Hardt, Price &amp;
/// Srebro 2016, §4.2, derived predictors of a score): a rule is a probability p(g, s) ∈ [0, 1] of predicting positive for
/// each (group, distinct score) cell, non-decreasing in the score within a group (exactly the mixtures of "score &gt; t" rules;
/// without it, distinct scores would let the program memorise the labels). The constraint is linear in those probabilities
/// (equal TPR and equal FPR across groups for equalized odds, equal selection rates for demographic parity) and so is the
/// accuracy, Σ_cells [neg + (pos − neg)·p] / n. Fairlearn's construction (two hull thresholds and, for equalized odds, a
/// constant per group) is optimal exactly when it reaches that value. Solved by <see cref="LinearProgram"/>, which shares no
/// code with the ROC hull.
/// </summary>
public class ThresholdOptimalityTests
{
    [Theory]
    [InlineData("cps1985.csv", "wage", ">7.78", "gender", FairnessConstraint.EqualizedOdds)]
    [InlineData("cps1985.csv", "wage", ">7.78", "gender", FairnessConstraint.DemographicParity)]
    public void Threshold_optimisation_reaches_the_linear_programs_optimum_on_the_training_rows(
        string file, string label, string positive, string sensitive, FairnessConstraint constraint)
    {
        var spec = new TabularSpec { Label = label, Positive = positive, Sensitive = [sensitive] };
        var all = TabularTable.Load(Warden.Tests.RepoFiles.Path("samples/data/" + file), spec);
        var (trainRows, _) = StratifiedSplit.Split(Enumerable.Range(0, all.RowCount).ToArray(), i => all.Labels[i], 0.2, 42);
        var train = all.Rows(trainRows);
        var encoder = TabularEncoder.Fit(train);
        var data = new MitigationData(encoder.Encode(train), train.Labels, train.Sensitive[sensitive], sensitive);
        var fitted = MitigationTrainer.Fit(data, MitigationMethod.Threshold, constraint, 42);
        var scores = fitted.Scaler.Transform(data.Features).Select(r => fitted.Baseline.Probability(r)).ToArray();
        var labels = data.Labels.Select(v => v ? (byte)1 : (byte)0).ToArray();

        var result = ThresholdOptimizer.Fit(FairnessDataset.FromScores(labels, scores, 0.5, [new(sensitive, data.Groups.ToArray())]), constraint);
        var optimum = LinearProgramOptimum(scores, labels, data.Groups, constraint);

        // Fairlearn's grid of 1,001 FPRs (selection rates) may miss the optimal vertex by at most half a step.
        var show = $"threshold optimiser {result.After.Accuracy:0.000000}, linear program {optimum:0.000000}";
        Assert.True(result.After.Accuracy <= optimum + 1e-9, show);
        Assert.True(result.After.Accuracy >= optimum - 0.001, show);
    }

    /// <summary>
    /// The data of Warden.Core.Tests' <c>Equalized_odds_thresholds_match_hand_solution</c>. A: .9+ .8+ .7+ .3− .2− .1−;
    /// B: .7+ .6− .5+ .4+ .1−. Equalized odds (worked there): A's hull has TPR 1 at every FPR, B's is 1/3 + 4x/3 up to x = .5,
    /// so 6/11·TPR + 5/11·(1 − x) peaks at x = .5, TPR 1: accuracy 8.5/11. Demographic parity at a common selection rate r:
    /// A gets 3 + 6r right (r ≤ .5), 9 − 6r after; B's threshold points (selected, right) are (0, 2) (1, 3) (2, 2) (3, 3)
    /// (4, 4) (5, 3), upper envelope 3 + (5r − 1)/3 for .2 ≤ r ≤ .8; the sum rises to r = .5 and falls after: 6 + 3.5 = 9.5,
    /// accuracy 9.5/11.
    /// </summary>
    [Theory]
    [InlineData(FairnessConstraint.EqualizedOdds, 8.5 / 11)]
    [InlineData(FairnessConstraint.DemographicParity, 9.5 / 11)]
    public void Linear_program_and_threshold_optimiser_find_the_hand_computed_optimum(FairnessConstraint constraint, double expected)
    {
        double[] scores = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1, 0.7, 0.6, 0.5, 0.4, 0.1];
        byte[] labels = [1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0];
        string[] groups = ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "B"];

        Assert.Equal(expected, LinearProgramOptimum(scores, labels, groups, constraint), 9);
        var result = ThresholdOptimizer.Fit(FairnessDataset.FromScores(labels, scores, 0.5, [new("g", groups)]), constraint);
        Assert.Equal(expected, result.After.Accuracy!.Value, 9);
    }

    private static double LinearProgramOptimum(double[] scores, byte[] labels, IReadOnlyList<string> groups, FairnessConstraint constraint)
    {
        var cells = Enumerable.Range(0, scores.Length).GroupBy(i => (groups[i], scores[i]))
            .OrderBy(c => c.Key.Item1, StringComparer.Ordinal).ThenBy(c => c.Key.Item2)
            .Select(c => (Group: c.Key.Item1, Pos: c.Count(i => labels[i] == 1), Neg: c.Count(i => labels[i] == 0))).ToArray();
        var names = cells.Select(c => c.Group).Distinct(StringComparer.Ordinal).ToArray();
        var n = cells.Length;

        // One row per (group other than the first, rate): rate_g − rate_first = 0.
        double Rate(int cell, string group, Func<(string Group, int Pos, int Neg), double> count, double total) =>
            cells[cell].Group == group ? count(cells[cell]) / total : 0;
        var rates = constraint == FairnessConstraint.EqualizedOdds
            ? new Func<(string Group, int Pos, int Neg), double>[] { c => c.Pos, c => c.Neg }
            : [c => c.Pos + c.Neg];
        var a = new List<double[]>();
        var b = new List<double>();
        var equality = new List<bool>();
        foreach (var count in rates)
        {
            var totals = names.ToDictionary(g => g, g => cells.Where(c => c.Group == g).Sum(c => count(c)), StringComparer.Ordinal);
            foreach (var g in names.Skip(1))
            {
                a.Add(Enumerable.Range(0, n).Select(j => Rate(j, g, count, totals[g]) - Rate(j, names[0], count, totals[names[0]])).ToArray());
                b.Add(0);
                equality.Add(true);
            }
        }

        for (var j = 0; j < n; j++)
        {
            a.Add(Enumerable.Range(0, n).Select(k => k == j ? 1.0 : 0).ToArray());
            b.Add(1);
            equality.Add(false);

            // Cells are ordered by group, then score: a lower score is never selected more often than a higher one.
            if (j + 1 < n && cells[j + 1].Group == cells[j].Group)
            {
                a.Add(Enumerable.Range(0, n).Select(k => k == j ? 1.0 : k == j + 1 ? -1.0 : 0).ToArray());
                b.Add(0);
                equality.Add(false);
            }
        }

        var p = LinearProgram.Minimize(cells.Select(c => (double)(c.Neg - c.Pos)).ToArray(), [.. a], [.. b], [.. equality])
            ?? throw new InvalidOperationException("the program has no solution");
        return Enumerable.Range(0, n).Sum(j => cells[j].Neg + ((cells[j].Pos - cells[j].Neg) * p[j])) / scores.Length;
    }
}
