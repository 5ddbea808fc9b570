using Microsoft.ML;
using Microsoft.ML.Data;
using Warden.Core.Onnx;

namespace Warden.Training;

/// <summary>A trained credit-risk pipeline with the split it was trained and evaluated on.</summary>
internal sealed class CreditRiskModel
{
    private const string RawLabelOutput = "PredictedLabel";
    private const string RawProbabilityOutput = "Probability";

    public CreditRiskModel(MLContext context, ITransformer transformer, IReadOnlyList<HmdaApplication> train,
        IReadOnlyList<HmdaApplication> holdout, int seed)
    {
        Context = context;
        Transformer = transformer;
        Train = train;
        Holdout = holdout;
        Seed = seed;
    }

    public MLContext Context { get; }

    public ITransformer Transformer { get; }

    public IReadOnlyList<HmdaApplication> Train { get; }

    public IReadOnlyList<HmdaApplication> Holdout { get; }

    public int Seed { get; }

    public CreditRiskMetrics Evaluate()
    {
        var scored = Transformer.Transform(Context.Data.LoadFromEnumerable(Holdout));
        var m = Context.BinaryClassification.Evaluate(scored, labelColumnName: HmdaDataset.LabelName);
        return new CreditRiskMetrics(
            m.AreaUnderRocCurve, m.Accuracy, m.LogLoss, m.F1Score, m.PositivePrecision, m.PositiveRecall,
            m.AreaUnderPrecisionRecallCurve, Holdout.Count, Holdout.Count(r => r.Deny));
    }

    public IReadOnlyList<CreditRiskPrediction> Predict(IEnumerable<HmdaApplication> rows)
    {
        var scored = Transformer.Transform(Context.Data.LoadFromEnumerable(rows));
        return Context.Data.CreateEnumerable<CreditRiskPrediction>(scored, reuseRowObject: false).ToList();
    }

    /// <summary>
    /// Converts the pipeline to ONNX from a view that has only the feature columns, so the graph has one input per
    /// feature and none for the label or the sensitive attribute, then keeps just the label and probability outputs.
    /// </summary>
    public OnnxGraphEditor ExportOnnx()
    {
        var schema = SchemaDefinition.Create(typeof(HmdaApplication));
        foreach (var column in schema.Where(c => !HmdaDataset.FeatureNames.Contains(c.ColumnName)).ToList())
        {
            schema.Remove(column);
        }

        var featuresOnly = Context.Data.LoadFromEnumerable(Train, schema);
        using var stream = new MemoryStream();
        Context.Model.ConvertToOnnx(Transformer, featuresOnly, stream);

        var editor = OnnxGraphEditor.Load(stream.ToArray());
        var labelOutput = OutputFor(editor, RawLabelOutput);
        var probabilityOutput = OutputFor(editor, RawProbabilityOutput);
        editor.KeepOutputs(labelOutput, probabilityOutput)
            .RenameOutput(labelOutput, CreditRiskTrainer.LabelOutput)
            .RenameOutput(probabilityOutput, CreditRiskTrainer.ScoreOutput)
            .SetBatchDimension(CreditRiskTrainer.BatchDimension);

        var inputs = editor.Inputs.Select(v => v.Name).ToArray();
        if (!inputs.SequenceEqual(HmdaDataset.FeatureNames))
        {
            throw new InvalidOperationException("Unexpected ONNX inputs from the converter: " + string.Join(", ", inputs));
        }

        return editor;
    }

    // The converter names each output after its column, with a suffix (".output") it does not document.
    private static string OutputFor(OnnxGraphEditor editor, string column)
    {
        var matches = editor.Outputs.Select(v => v.Name)
            .Where(n => n == column || n.StartsWith(column + ".", StringComparison.Ordinal))
            .ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new InvalidOperationException(
                $"Expected one ONNX output for column '{column}', found: {string.Join(", ", editor.Outputs.Select(v => v.Name))}.");
    }
}
