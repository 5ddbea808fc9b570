using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Contracts.Registry;

namespace Warden.Training.Tests;

/// <summary>The model committed under samples/models/credit-risk/1 is what <c>warden train</c> produces.</summary>
public class CommittedModelTests(TrainedCreditRisk trained) : IClassFixture<TrainedCreditRisk>
{
    private static readonly string ModelDir = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1");

    private static string ModelPath => Path.Combine(ModelDir, "model.onnx");

    [Fact]
    public void Committed_model_has_twelve_float_inputs_and_label_probability_outputs()
    {
        using var session = new InferenceSession(ModelPath);

        Assert.Equal(HmdaDataset.FeatureNames, session.InputNames);
        Assert.All(session.InputMetadata.Values, m =>
        {
            Assert.Equal(TensorElementType.Float, m.ElementDataType);
            Assert.Equal([-1, 1], m.Dimensions);
            Assert.Equal("N", m.SymbolicDimensions[0]);
        });
        Assert.Equal(["label", "probability"], session.OutputNames);
        Assert.Equal(TensorElementType.Bool, session.OutputMetadata["label"].ElementDataType);
        Assert.Equal(TensorElementType.Float, session.OutputMetadata["probability"].ElementDataType);
        Assert.All(session.OutputMetadata.Values, m =>
        {
            Assert.Equal([-1, 1], m.Dimensions);
            Assert.Equal("N", m.SymbolicDimensions[0]);
        });
        Assert.Equal("probability", session.ModelMetadata.CustomMetadataMap["warden.score_output"]);
        Assert.Equal("label", session.ModelMetadata.CustomMetadataMap["warden.label_output"]);
    }

    [Fact]
    public void Committed_model_scores_like_a_fresh_training_run()
    {
        var (committedLabels, committed) = OnnxScorer.Score(File.ReadAllBytes(ModelPath), trained.Rows);
        var (freshLabels, fresh) = OnnxScorer.Score(trained.OnnxBytes, trained.Rows);

        Assert.Equal(freshLabels, committedLabels);
        for (var i = 0; i < fresh.Length; i++)
        {
            Assert.True(Math.Abs(fresh[i] - committed[i]) <= 1e-6, $"row {i}: fresh {fresh[i]}, committed {committed[i]}");
        }
    }

    [Fact]
    public void Committed_card_names_the_model_outputs_and_keeps_afam_out_of_the_features()
    {
        var card = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(Path.Combine(ModelDir, "card.json")), JsonSerializerOptions.Web)!;

        Assert.Equal("credit-risk", card.Name);
        Assert.Equal("Warden demo", card.Owner);
        Assert.Equal("probability", card.ScoreOutput);
        Assert.Equal("label", card.LabelOutput);
        Assert.Equal(HmdaDataset.FeatureNames, card.Features.Select(f => f.Name));
        Assert.Equal(["afam"], card.SensitiveAttributes);
        Assert.DoesNotContain("afam", card.Features.Select(f => f.Name));
        Assert.Contains("credit-decision-support", card.IntendedUses);
        Assert.Contains("automated-final-denial", card.OutOfScopeUses);
        Assert.Equal("none", card.Mitigation);
        Assert.Equal(Math.Round(trained.Metrics.Auc, 6), card.Metrics["auc"]);
        Assert.Equal(Math.Round(trained.Metrics.LogLoss, 6), card.Metrics["log_loss_bits"]);
        Assert.NotEmpty(card.Limitations);
        Assert.NotEmpty(card.EthicalConsiderations);
    }

    [Fact]
    public void Committed_background_is_one_hundred_scoreable_rows_of_the_inputs()
    {
        var lines = File.ReadAllLines(Path.Combine(ModelDir, "background.csv"));
        Assert.Equal(string.Join(",", HmdaDataset.FeatureNames), lines[0]);
        Assert.Equal(100, lines.Length - 1);

        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(v => new HmdaApplication
            {
                Pirat = v[0], Hirat = v[1], Lvrat = v[2], Chist = v[3], Mhist = v[4], Phist = v[5],
                Unemp = v[6], Selfemp = v[7], Insurance = v[8], Condomin = v[9], Single = v[10], Hschool = v[11],
            })
            .ToList();
        var (_, probabilities) = OnnxScorer.Score(File.ReadAllBytes(ModelPath), rows);

        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(CreditRiskTrainer.BackgroundCsv(trained.Model.Train, 42), string.Join("\n", lines) + "\n");
    }
}
