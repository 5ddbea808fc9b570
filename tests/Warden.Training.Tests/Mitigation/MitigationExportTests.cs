using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Contracts.Registry;
using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class MitigationExportTests(HmdaMitigation hmda) : IClassFixture<HmdaMitigation>
{
    [Theory]
    [InlineData(MitigationMethod.Adversarial, 0)]
    [InlineData(MitigationMethod.Adversarial, 16)]
    [InlineData(MitigationMethod.Reweighing, 0)]
    public void Onnx_export_of_a_single_predictor_matches_the_csharp_predictor_on_every_row(MitigationMethod method, int hiddenUnits)
    {
        var fitted = MitigationTrainer.Fit(hmda.Rows, method, FairnessConstraint.EqualizedOdds, 42,
            adversarialOptions: new AdversarialOptions { Epochs = 3, MinimumSteps = 60, HiddenUnits = hiddenUnits });
        Assert.IsType(hiddenUnits > 0 ? typeof(HiddenLayerClassifier) : typeof(LinearClassifier), fitted.Single);
        var (labels, probabilities) = OnnxScorer.Score(fitted.ExportOnnx().ToBytes(), hmda.Rows);

        for (var i = 0; i < hmda.Rows.Count; i++)
        {
            var expected = fitted.ServedProbability(hmda.Rows[i]);
            Assert.True(Math.Abs(expected - probabilities[i]) <= 1e-5, $"row {i}: C# {expected}, ONNX {probabilities[i]}");
            Assert.Equal(expected > 0.5, labels[i]);
        }

        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
    }

    [Fact]
    public void Onnx_export_of_the_reduction_mixture_matches_the_csharp_mixture_on_every_row()
    {
        var fitted = MitigationTrainer.Fit(hmda.Rows, MitigationMethod.ExponentiatedGradient, FairnessConstraint.DemographicParity, 42,
            new ExponentiatedGradientOptions { MaxIterations = 8 });
        Assert.True(fitted.Reduction!.Weights.Count(w => w > 0) >= 2, "the mixture should have two or more members");

        var (labels, probabilities) = OnnxScorer.Score(fitted.ExportOnnx().ToBytes(), hmda.Rows);

        for (var i = 0; i < hmda.Rows.Count; i++)
        {
            var expected = fitted.ServedProbability(hmda.Rows[i]);
            Assert.True(Math.Abs(expected - probabilities[i]) <= 1e-6, $"row {i}: C# {expected}, ONNX {probabilities[i]}");
            Assert.Equal(expected > 0.5, labels[i]);
        }
    }

    [Fact]
    public void Unweighted_baseline_scores_like_the_ml_net_demo_pipeline()
    {
        var demo = CreditRiskTrainer.Train(hmda.Rows, 42);
        var expected = demo.Predict(hmda.Rows);
        var fitted = MitigationTrainer.Fit(demo.Train, MitigationMethod.None, FairnessConstraint.DemographicParity, 42);

        for (var i = 0; i < hmda.Rows.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Probability - fitted.ServedProbability(hmda.Rows[i])) <= 1e-4, $"row {i}");
        }
    }

    [Fact]
    public void Threshold_mitigation_writes_a_deployable_directory_with_group_thresholds()
    {
        var dir = Path.Combine(Path.GetTempPath(), "warden-mitigation-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = MitigationTrainer.TrainAndExport(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), dir,
                new Warden.Training.Tabular.TabularSpec { Label = "deny", Positive = "yes", Sensitive = ["afam"], Name = "credit-risk" },
                MitigationMethod.Threshold, FairnessConstraint.EqualizedOdds);

            using (var session = new InferenceSession(result.ModelPath))
            {
                Assert.Equal(HmdaDataset.FeatureNames, session.InputNames);
                Assert.All(session.InputMetadata.Values, m => Assert.Equal(TensorElementType.Float, m.ElementDataType));
                Assert.All(session.InputMetadata.Values, m => Assert.Equal([-1, 1], m.Dimensions));
                Assert.Equal(["label", "probability"], session.OutputNames);
                Assert.Equal(TensorElementType.Bool, session.OutputMetadata["label"].ElementDataType);
                Assert.Equal("threshold", session.ModelMetadata.CustomMetadataMap["warden.mitigation"]);
            }

            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(result.CardPath), JsonSerializerOptions.Web)!;
            Assert.Equal("threshold (equalized-odds)", card.Mitigation);
            Assert.Equal(["afam"], card.SensitiveAttributes);
            Assert.Equal(Math.Round(result.Report.After.EqualizedOddsDifference!.Value, 6), card.Metrics["equalized_odds_difference"]);

            var document = GroupThresholdsDocument.FromJson(File.ReadAllText(result.ThresholdsPath!));
            Assert.Equal("afam", document.SensitiveAttribute);
            Assert.Equal(FairnessConstraint.EqualizedOdds, document.Thresholds.Constraint);
            Assert.Equal(["afam=no", "afam=yes"], document.Thresholds.Rules.Keys.Order());
            Assert.Equal("afam=yes", document.Thresholds.KeyFor(new Dictionary<string, string> { ["afam"] = "yes" }));
            Assert.True(File.Exists(result.BackgroundPath));
            Assert.Contains("| threshold (equalized-odds) |", File.ReadAllText(result.MarkdownPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// <c>--serve best</c>: model.onnx is one deterministic logistic model (no mixture draw), the one with the lowest training error
    /// among the reduction's classifiers whose training |γ| ≤ ε, and the card says so. Checked against the mixture run's own
    /// classifiers, errors and violations, recomputed here from the training rows.
    /// </summary>
    [Fact]
    public void Exponentiated_gradient_can_serve_the_best_single_classifier_meeting_the_constraint()
    {
        var spec = new Warden.Training.Tabular.TabularSpec { Label = "released", Positive = "Yes", Sensitive = ["colour"], Name = "arrests" };
        var data = Warden.Tests.RepoFiles.Path("samples/data/arrests.csv");
        var dir = Path.Combine(Path.GetTempPath(), "warden-mitigation-" + Guid.NewGuid().ToString("N"));
        try
        {
            var best = MitigationTrainer.TrainAndExport(data, Path.Combine(dir, "best"), spec, MitigationMethod.ExponentiatedGradient,
                FairnessConstraint.DemographicParity, new ExponentiatedGradientOptions { Serve = ReductionServing.Best });
            var mixture = MitigationTrainer.TrainAndExport(data, Path.Combine(dir, "mixture"), spec, MitigationMethod.ExponentiatedGradient,
                FairnessConstraint.DemographicParity);

            // The mixture's classifiers with their training error and |γ|, as recorded; recompute the choice by hand.
            var errors = mixture.Report.Details["classifier training errors"].Split(", ").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var violations = mixture.Report.Details["classifier training violations"].Split(", ").Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var feasible = Enumerable.Range(0, errors.Length).Where(t => violations[t] <= 0.01).ToArray();
            Assert.NotEmpty(feasible);
            var expected = feasible.OrderBy(t => errors[t]).First();
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), best.Report.Details["best classifier"]);
            Assert.Equal("yes", best.Report.Details["best classifier meets the constraint (|gamma| <= epsilon)"]);
            Assert.Equal("mixture", mixture.Report.Details["served"]);
            Assert.Null(best.Report.Served); // deterministic: no separate "served" rule

            using (var session = new InferenceSession(best.ModelPath))
            {
                Assert.False(session.ModelMetadata.CustomMetadataMap.ContainsKey("warden.randomized_label"));
            }

            using (var session = new InferenceSession(mixture.ModelPath))
            {
                Assert.True(session.ModelMetadata.CustomMetadataMap.ContainsKey("warden.randomized_label"));
            }

            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(best.CardPath), JsonSerializerOptions.Web)!;
            Assert.Equal("best single classifier", card.Parameters["mitigation served"]);
            Assert.False(card.Parameters.ContainsKey(Warden.Core.Monitoring.MixtureLabelInterceptor.CardParameter));
            Assert.Contains(card.EthicalConsiderations, c => c.Contains("best single classifier", StringComparison.Ordinal));

            // A deterministic model: every hold-out prediction is 0 or 1.
            Assert.All(best.Report.After.SelectionRate.Values, r => Assert.InRange(r!.Value, 0, 1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
