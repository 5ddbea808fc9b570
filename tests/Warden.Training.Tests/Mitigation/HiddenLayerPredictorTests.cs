using Warden.Core.Fairness;
using Warden.Training.Mitigation;
using Warden.Training.Tabular;
using Warden.Training.Tests.Tabular;

namespace Warden.Training.Tests.Mitigation;

/// <summary>Adversarial debiasing with AIF360's predictor shape: one hidden layer of ReLU units, then a logistic unit.</summary>
public class HiddenLayerPredictorTests(HmdaMitigation hmda) : IClassFixture<HmdaMitigation>
{
    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, false)]
    [InlineData(FairnessConstraint.EqualizedOdds, false)]
    [InlineData(FairnessConstraint.DemographicParity, true)]
    [InlineData(FairnessConstraint.EqualizedOdds, true)]
    public void Hand_written_gradients_of_the_hidden_layer_match_central_finite_differences(FairnessConstraint constraint, bool dropout)
    {
        const int rows = 30;
        const int features = 5;
        const int hidden = 7;
        var random = new Random(5);
        var x = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
        var y = Enumerable.Range(0, rows).Select(_ => (byte)random.Next(2)).ToArray();
        var a = Enumerable.Range(0, rows).Select(_ => (byte)random.Next(2)).ToArray();
        var g = new AdversarialGradients(x, y, a, constraint, 0.01, hidden);
        Assert.Equal((hidden * features) + (2 * hidden) + 1, g.PredictorParameters);
        var theta = Enumerable.Range(0, g.PredictorParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        var phi = Enumerable.Range(0, g.AdversaryParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        phi[g.AdversaryInputs] = 0.7; // c: |c| is not differentiable at 0
        // A fixed dropout draw (keep 0.8: factors 0 or 1.25), the same in every evaluation, so the loss is a function of θ alone.
        var mask = dropout ? Enumerable.Range(0, rows * hidden).Select(_ => random.NextDouble() < 0.8 ? 1.25 : 0).ToArray() : null;

        AdversarialGradientTests.AssertMatchesCentralDifferences(g, theta, phi, mask);

        // Dropping a unit removes it: with every factor 0 the logit is the output bias b for every row.
        var none = g.Evaluate(theta, phi, null, new double[rows * hidden]);
        var b = theta[^1];
        var expected = y.Average(t => Math.Log(1 + Math.Exp(b)) - (t * b)) + (0.005 * theta.Take(hidden * features).Concat(theta.Skip((hidden * features) + hidden).Take(hidden)).Sum(v => v * v));
        Assert.Equal(expected, none.LossP, 12);
    }

    /// <summary>
    /// V = [[1, −1], [0.5, 2]], c = (0, −1), w = (2, −3), b = 0.5. Row (2, 0.5): units 2 − 0.5 = 1.5 and 1 + 1 − 1 = 1, z = 0.5 + 3 − 3 = 0.5.
    /// Row (−1, 0): units −1 and −1.5, both cut by the ReLU, z = b = 0.5. Row (0, 1): units −1 → 0 and 2 − 1 = 1, z = 0.5 − 3 = −2.5.
    /// </summary>
    [Fact]
    public void Hidden_layer_logit_is_the_relu_network_worked_by_hand()
    {
        var network = new HiddenLayerClassifier(2, [1, -1, 0.5, 2], [0, -1], [2, -3], 0.5);

        Assert.Equal(0.5, network.Logit([2f, 0.5f]), 12);
        Assert.Equal(0.5, network.Logit([-1f, 0f]), 12);
        Assert.Equal(-2.5, network.Logit([0f, 1f]), 12);
        Assert.Equal(1 / (1 + Math.Exp(2.5)), network.Probability([0f, 1f]), 12);
        Assert.True(network.Decide([2f, 0.5f]));
        Assert.False(network.Decide([0f, 1f]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Predictor_mapped_back_from_standardised_features_scores_raw_rows_as_the_fitted_one_scores_standardised_rows(int hidden)
    {
        const int features = 4;
        var random = new Random(9);
        var raw = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, features).Select(j => (float)((random.NextDouble() * 10 * (j + 1)) - 3)).ToArray()).ToList();
        var mean = Enumerable.Range(0, features).Select(j => raw.Average(r => (double)r[j])).ToArray();
        var std = Enumerable.Range(0, features).Select(j => Math.Sqrt(raw.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])))).ToArray();
        var standard = raw.Select(r => r.Select((v, j) => (float)((v - mean[j]) / std[j])).ToArray()).ToList();
        var g = new AdversarialGradients(standard, new byte[20], new byte[20], FairnessConstraint.DemographicParity, 0, hidden);
        var theta = Enumerable.Range(0, g.PredictorParameters).Select(_ => random.NextDouble() - 0.5).ToArray();
        var fitted = g.Predictor(theta);

        var mapped = AdversarialDebiasing.Unstandardise(theta, features, hidden, mean, std);

        Assert.IsType(hidden == 0 ? typeof(LinearClassifier) : typeof(HiddenLayerClassifier), mapped);
        for (var i = 0; i < raw.Count; i++)
        {
            Assert.Equal(fitted.Logit(standard[i]), mapped.Logit(raw[i]), 5);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_hidden_layer_predictor()
    {
        var rows = hmda.Rows.Take(300).ToList();
        var x = FeatureScaler.Fit(rows).Transform(rows);
        var y = rows.Select(r => r.Deny ? (byte)1 : (byte)0).ToArray();
        var a = rows.Select(r => (byte)r.Afam).ToArray();
        var options = new AdversarialOptions { Epochs = 2, MinimumSteps = 20, Seed = 3, HiddenUnits = 8 };

        var first = (HiddenLayerClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.EqualizedOdds, options).Predictor;
        var second = (HiddenLayerClassifier)AdversarialDebiasing.Fit(x, y, a, FairnessConstraint.EqualizedOdds, options).Predictor;

        Assert.Equal(first.InputWeights, second.InputWeights);
        Assert.Equal(first.OutputWeights, second.OutputWeights);
        Assert.Equal(first.OutputBias, second.OutputBias);
    }

    /// <summary>CPS 1985 has categorical columns: the graph one-hot encodes STRING inputs before the hidden layer (HMDA: <see cref="MitigationExportTests"/>).</summary>
    [Fact]
    public void Onnx_export_of_a_hidden_layer_predictor_matches_the_csharp_network_on_every_cps_row()
    {
        var spec = new TabularSpec { Label = "wage", Positive = ">7.78", Sensitive = ["gender"] };
        var table = TabularTable.Load(Warden.Tests.RepoFiles.Path("samples/data/cps1985.csv"), spec);
        var encoder = TabularEncoder.Fit(table);
        var features = encoder.Encode(table);
        var data = new MitigationData(features, table.Labels, table.Sensitive["gender"], "gender");
        var fitted = MitigationTrainer.Fit(data, MitigationMethod.Adversarial, FairnessConstraint.EqualizedOdds, 42,
            adversarialOptions: new AdversarialOptions { Epochs = 3, MinimumSteps = 60, HiddenUnits = 12 });
        Assert.Contains(encoder.Columns, c => c.Kind == TabularColumnKind.Categorical);
        Assert.IsType<HiddenLayerClassifier>(fitted.Single);
        Assert.StartsWith("one hidden layer of 12 ReLU units", fitted.Details["predictor"], StringComparison.Ordinal);

        var (labels, probabilities) = TabularOnnxScorer.Score(fitted.ExportOnnx(encoder.Columns).ToBytes(), table);

        for (var i = 0; i < table.RowCount; i++)
        {
            var expected = fitted.Single!.Probability(fitted.Scaler.Transform(features[i]));
            Assert.True(Math.Abs(expected - probabilities[i]) <= 1e-5, $"row {i}: C# {expected}, ONNX {probabilities[i]}");
            Assert.Equal(expected > 0.5, labels[i]);
        }
    }
}
