using Microsoft.ML;
using Microsoft.ML.Data;
using Warden.Core.Onnx;

namespace Warden.Training;

/// <summary>A trained credit-risk pipeline with the split it was trained and evaluated on.</summary>
internal sealed class CreditRiskModel
{
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

    /// <summary>Converts the pipeline to ONNX with <see cref="CreditRiskOnnxExport"/>.</summary>
    public OnnxGraphEditor ExportOnnx() => CreditRiskOnnxExport.Export(Context, Transformer, Train);
}
