using Microsoft.ML;
using Microsoft.ML.Data;
using Warden.Core.Onnx;

namespace Warden.Training.Tabular;

/// <summary>An ML.NET pipeline trained on a CSV, with the rows it was trained and evaluated on.</summary>
public sealed class TabularModel
{
    internal TabularModel(MLContext context, ITransformer transformer, TabularSpec spec, TabularTable train, TabularTable test,
        TabularEncoder encoder, string testSource)
    {
        Context = context;
        Transformer = transformer;
        Spec = spec;
        Train = train;
        Test = test;
        Encoder = encoder;
        TestSource = testSource;
    }

    internal MLContext Context { get; }

    internal ITransformer Transformer { get; }

    /// <summary>What was trained.</summary>
    public TabularSpec Spec { get; }

    /// <summary>Training rows.</summary>
    public TabularTable Train { get; }

    /// <summary>Evaluation rows (the hold-out or the test file).</summary>
    public TabularTable Test { get; }

    /// <summary>The columns and encodings fitted on the training rows.</summary>
    public TabularEncoder Encoder { get; }

    /// <summary>Where the evaluation rows came from (a hold-out share or a file).</summary>
    public string TestSource { get; }

    /// <summary>The predicted label (the ONNX <c>label</c> output) and P(positive) of each row of <paramref name="table"/>.</summary>
    public (bool[] Labels, double[] Probabilities) Predict(TabularTable table)
    {
        var scored = Transformer.Transform(new TabularDataView(table, null));
        return (scored.GetColumn<bool>("PredictedLabel").ToArray(), scored.GetColumn<float>("Probability").Select(p => (double)p).ToArray());
    }

    /// <summary>ML.NET's binary-classification metrics on the evaluation rows.</summary>
    public CreditRiskMetrics Evaluate()
    {
        var scored = Transformer.Transform(new TabularDataView(Test, TabularTrainer.LabelColumn));
        var m = Context.BinaryClassification.Evaluate(scored, labelColumnName: TabularTrainer.LabelColumn);
        return new CreditRiskMetrics(
            m.AreaUnderRocCurve, m.Accuracy, m.LogLoss, m.F1Score, m.PositivePrecision, m.PositiveRecall,
            m.AreaUnderPrecisionRecallCurve, Test.RowCount, Test.Labels.Count(l => l));
    }

    /// <summary>
    /// The ONNX graph: converted from a view with only the feature columns (so there is one input per feature and none for
    /// the label or the sensitive columns), outputs renamed to <c>label</c> and <c>probability</c>, batch dimension N.
    /// </summary>
    public OnnxGraphEditor ExportOnnx()
    {
        using var stream = new MemoryStream();
        Context.Model.ConvertToOnnx(Transformer, new TabularDataView(Train, null), stream);
        var editor = OnnxGraphEditor.Load(stream.ToArray());
        var labelOutput = CreditRiskOnnxExport.OutputFor(editor, "PredictedLabel");
        var probabilityOutput = CreditRiskOnnxExport.OutputFor(editor, "Probability");
        editor.KeepOutputs(labelOutput, probabilityOutput)
            .RenameOutput(labelOutput, CreditRiskTrainer.LabelOutput)
            .RenameOutput(probabilityOutput, CreditRiskTrainer.ScoreOutput)
            .SetBatchDimension(CreditRiskTrainer.BatchDimension);
        var inputs = editor.Inputs.Select(v => v.Name).ToArray();
        if (!inputs.SequenceEqual(Train.FeatureNames))
        {
            throw new InvalidOperationException("Unexpected ONNX inputs from the converter: " + string.Join(", ", inputs));
        }

        return editor;
    }
}
