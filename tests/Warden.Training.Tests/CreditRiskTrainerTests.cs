using System.Text.Json;
using Warden.Contracts.Registry;
using Warden.Core.Onnx;
using Warden.Core.Onnx.Proto;

namespace Warden.Training.Tests;

public class CreditRiskTrainerTests(TrainedCreditRisk trained) : IClassFixture<TrainedCreditRisk>
{
    [Fact]
    public void Onnx_predictions_match_ml_net_on_every_hmda_row()
    {
        var expected = trained.Model.Predict(trained.Rows);

        var (labels, probabilities) = OnnxScorer.Score(trained.OnnxBytes, trained.Rows);

        Assert.Equal(trained.Rows.Count, probabilities.Length);
        for (var i = 0; i < trained.Rows.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Probability - probabilities[i]) <= 1e-5,
                $"row {i}: ML.NET {expected[i].Probability}, ONNX {probabilities[i]}");
            Assert.Equal(expected[i].Label, labels[i]);
        }

        // Both labels occur, so the label comparison is not vacuous.
        Assert.Contains(true, labels);
        Assert.Contains(false, labels);
    }

    [Fact]
    public void Label_is_true_exactly_when_probability_exceeds_one_half()
    {
        var (labels, probabilities) = OnnxScorer.Score(trained.OnnxBytes, trained.Rows);

        for (var i = 0; i < labels.Length; i++)
        {
            // Probabilities within float rounding of 0.5 could go either way; the data has none that close.
            Assert.True(Math.Abs(probabilities[i] - 0.5f) > 1e-6f);
            Assert.Equal(probabilities[i] > 0.5f, labels[i]);
        }
    }

    [Fact]
    public void Graph_has_one_float_input_per_feature_and_no_afam_or_label_input()
    {
        var editor = OnnxGraphEditor.Load(trained.OnnxBytes);

        Assert.Equal(HmdaDataset.FeatureNames, editor.Inputs.Select(v => v.Name));
        Assert.All(editor.Inputs, v =>
        {
            Assert.Equal(TensorProto.Types.DataType.Float, v.ElementType);
            Assert.Equal(["N", "1"], v.Shape);
        });
        Assert.DoesNotContain(editor.Inputs, v => v.Name is "afam" or "deny");
    }

    [Fact]
    public void Graph_outputs_are_exactly_label_and_probability()
    {
        var editor = OnnxGraphEditor.Load(trained.OnnxBytes);

        Assert.Equal(["label Bool [N,1]", "probability Float [N,1]"], editor.Outputs.Select(v => $"{v.Name} {v.ElementType} {v.ShapeText}"));
    }

    [Fact]
    public void Changing_afam_changes_nothing_because_the_model_never_sees_it()
    {
        var flipped = trained.Rows.Select(r => new HmdaApplication
        {
            Pirat = r.Pirat, Hirat = r.Hirat, Lvrat = r.Lvrat, Chist = r.Chist, Mhist = r.Mhist, Phist = r.Phist,
            Unemp = r.Unemp, Selfemp = r.Selfemp, Insurance = r.Insurance, Condomin = r.Condomin, Single = r.Single,
            Hschool = r.Hschool, Deny = r.Deny, Afam = 1f - r.Afam,
        }).ToList();

        var original = trained.Model.Predict(trained.Rows).Select(p => p.Probability);
        var changed = trained.Model.Predict(flipped).Select(p => p.Probability);

        Assert.Equal(original, changed);
    }

    [Fact]
    public void Training_twice_with_the_same_seed_gives_identical_models()
    {
        var again = CreditRiskTrainer.Train(trained.Rows, 42);

        Assert.Equal(trained.OnnxBytes, again.ExportOnnx().ToBytes());
        Assert.Equal(trained.Metrics, again.Evaluate());
    }

    [Fact]
    public void Another_seed_holds_out_other_rows_and_gives_another_model()
    {
        var other = CreditRiskTrainer.Train(trained.Rows, 7);

        Assert.NotEqual(trained.Model.Holdout, other.Holdout);
        Assert.NotEqual(trained.OnnxBytes, other.ExportOnnx().ToBytes());
    }

    [Fact]
    public void Held_out_auc_is_above_the_floor()
    {
        // Measured with seed 42: AUC 0.785 on 476 held-out rows. A model no better than chance would be near 0.5.
        Assert.InRange(trained.Metrics.Auc, 0.75, 1.0);
        Assert.Equal(476, trained.Metrics.Rows);
        Assert.Equal(57, trained.Metrics.Positives);
    }

    [Fact]
    public void Ml_net_metrics_agree_with_an_independent_computation()
    {
        var holdout = trained.Model.Holdout;
        var predictions = trained.Model.Predict(holdout);
        var labels = holdout.Select(r => r.Deny).ToArray();
        var probabilities = predictions.Select(p => p.Probability).ToArray();
        var predicted = predictions.Select(p => p.Label).ToArray();

        Assert.Equal(IndependentMetrics.Auc(labels, probabilities), trained.Metrics.Auc, 6);
        Assert.Equal(IndependentMetrics.Accuracy(labels, predicted), trained.Metrics.Accuracy, 9);
        Assert.Equal(IndependentMetrics.F1(labels, predicted), trained.Metrics.F1, 9);
        Assert.Equal(IndependentMetrics.LogLossBits(labels, probabilities), trained.Metrics.LogLoss, 5);
    }

    [Fact]
    public void Train_and_export_writes_model_card_and_background_beside_each_other()
    {
        var dir = Directory.CreateTempSubdirectory("warden-train-").FullName;
        try
        {
            var result = CreditRiskTrainer.TrainAndExport(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"), dir, 42);

            Assert.Equal(trained.Metrics, result.Metrics);
            var editor = OnnxGraphEditor.LoadFile(result.ModelPath);
            Assert.Equal("probability", editor.Metadata["warden.score_output"]);
            Assert.Equal("label", editor.Metadata["warden.label_output"]);
            Assert.Equal("42", editor.Metadata["warden.training_seed"]);
            editor.Model.MetadataProps.Clear();
            Assert.Equal(trained.OnnxBytes, editor.ToBytes());

            var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(result.CardPath), JsonSerializerOptions.Web)!;
            Assert.Equal("credit-risk", card.Name);
            Assert.Equal(["afam"], card.SensitiveAttributes);
            Assert.Equal(HmdaDataset.FeatureNames, card.Features.Select(f => f.Name));
            Assert.Equal(Math.Round(result.Metrics.Auc, 6), card.Metrics["auc"]);
            Assert.Equal(1904, card.TrainingData!.Rows);
            Assert.Equal(476, card.TrainingData.HoldoutRows);
            Assert.Equal("none", card.Mitigation);

            var lines = File.ReadAllLines(result.BackgroundPath);
            Assert.Equal(string.Join(",", HmdaDataset.FeatureNames), lines[0]);
            Assert.Equal(CreditRiskTrainer.BackgroundRows, lines.Length - 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Background_rows_are_a_seeded_sample_of_training_rows()
    {
        var csv = CreditRiskTrainer.BackgroundCsv(trained.Model.Train, 42);
        var trainRows = trained.Model.Train
            .Select(r => string.Join(",", r.Features().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();

        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();

        Assert.Equal(100, rows.Count);
        Assert.All(rows, r => Assert.Contains(r, trainRows));
        Assert.NotEqual(rows, CreditRiskTrainer.BackgroundCsv(trained.Model.Train, 7).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }
}
