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
    }
}
