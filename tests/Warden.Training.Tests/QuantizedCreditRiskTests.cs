using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx.Proto;
using Warden.Core.Onnx.Quantization;

namespace Warden.Training.Tests;

/// <summary>The committed credit-risk model, int8-quantised, against its float32 self on every HMDA row.</summary>
public class QuantizedCreditRiskTests
{
    private static readonly byte[] Fp32 = File.ReadAllBytes(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"));
    private static readonly IReadOnlyList<HmdaApplication> Rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));

    [Fact]
    public void Without_lowering_the_linear_regressor_there_is_nothing_to_quantise()
    {
        var (_, report) = ModelQuantizer.Quantize(Fp32, new QuantizationOptions());
        Assert.Equal(0, report.QuantizedCount);
        Assert.Empty(report.Nodes);
    }

    [Theory]
    [InlineData(QuantizationMode.Dynamic)]
    [InlineData(QuantizationMode.WeightOnly)]
    public void Quantised_model_agrees_with_float_on_every_hmda_row_scored_one_at_a_time(QuantizationMode mode)
    {
        var (int8, report) = ModelQuantizer.Quantize(Fp32, new QuantizationOptions { Mode = mode, LowerLinearRegressors = true });
        Assert.Equal(1, report.QuantizedCount);
        var ops = ModelProto.Parser.ParseFrom(int8).Graph.Node.Select(n => n.OpType).ToArray();
        Assert.DoesNotContain("LinearRegressor", ops);
        Assert.Contains(mode == QuantizationMode.Dynamic ? "MatMulInteger" : "DequantizeLinear", ops);

        var (labels, probabilities) = OnnxScorer.Score(Fp32, Rows);

        // One row per request, as the edge agent serves them: the activation scale of dynamic quantisation is per request.
        var agree = 0;
        var maxDiff = 0f;
        var differs = false;
        using var session = new InferenceSession(int8);
        for (var i = 0; i < Rows.Count; i++)
        {
            var (label, probability) = ScoreOne(session, Rows[i]);
            agree += label == labels[i] ? 1 : 0;
            var diff = Math.Abs(probability - probabilities[i]);
            maxDiff = Math.Max(maxDiff, diff);
            differs |= diff > 0;
        }

        var agreement = (double)agree / Rows.Count;
        TestContext.Current.TestOutputHelper?.WriteLine($"{mode}: label agreement {agreement:P3} ({agree}/{Rows.Count}), max |Δp| {maxDiff:G4}");
        Assert.True(differs, "quantised probabilities are identical to float: the weights were not rounded");
        Assert.True(maxDiff <= 0.02f, $"max |Δp| = {maxDiff}");
        Assert.True(agreement >= 0.995, $"label agreement {agreement:P3}");
    }

    private static (bool Label, float Probability) ScoreOne(InferenceSession session, HmdaApplication row)
    {
        var features = row.Features();
        var inputs = features.Select(v => OrtValue.CreateTensorValueFromMemory(new[] { v }, [1, 1])).ToArray();
        try
        {
            using var options = new RunOptions();
            using var results = session.Run(options, HmdaDataset.FeatureNames.ToArray(), inputs, ["label", "probability"]);
            return (results[0].GetTensorDataAsSpan<bool>()[0], results[1].GetTensorDataAsSpan<float>()[0]);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }
}
