using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Warden.Training;

/// <summary>
/// Trains Warden's demo model <c>credit-risk</c>: an L-BFGS logistic regression (ML.NET) on min-max normalised HMDA
/// features predicting <c>deny</c>, evaluated on a stratified 20 % hold-out and exported to ONNX with outputs
/// <c>label</c> (BOOL [N,1]) and <c>probability</c> (FLOAT [N,1], P(deny = yes)).
/// </summary>
public static class CreditRiskTrainer
{
    /// <summary>Model name on the card and in the ONNX metadata.</summary>
    public const string ModelName = "credit-risk";

    /// <summary>ONNX output with the predicted label.</summary>
    public const string LabelOutput = "label";

    /// <summary>ONNX output with P(deny = yes).</summary>
    public const string ScoreOutput = "probability";

    /// <summary>Symbolic name of the batch dimension of every input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>Share of each class held out for evaluation.</summary>
    public const double HoldoutFraction = 0.2;

    /// <summary>Training rows written to <c>background.csv</c>.</summary>
    public const int BackgroundRows = 100;

    /// <summary>L1 penalty weight of the logistic regression (ML.NET's default).</summary>
    public const float L1Regularization = 1f;

    /// <summary>L2 penalty weight of the logistic regression (ML.NET's default).</summary>
    public const float L2Regularization = 1f;

    /// <summary>Convergence tolerance of L-BFGS.</summary>
    public const float OptimizationTolerance = 1e-7f;

    internal static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,

        // card.json is read by people; HTML-safe escaping of ' and & would only obscure it.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Loads <paramref name="dataPath"/>, trains with <paramref name="seed"/>, and writes <c>model.onnx</c>,
    /// <c>card.json</c> and <c>background.csv</c> into <paramref name="outDir"/> (created if missing).
    /// </summary>
    public static CreditRiskTrainingResult TrainAndExport(string dataPath, string outDir, int seed = 42)
    {
        var rows = HmdaDataset.Load(dataPath);
        var model = Train(rows, seed);
        var metrics = model.Evaluate();

        Directory.CreateDirectory(outDir);
        var modelPath = Path.Combine(outDir, "model.onnx");
        var cardPath = Path.Combine(outDir, "card.json");
        var backgroundPath = Path.Combine(outDir, "background.csv");

        var dataSha256 = CreditRiskOnnxExport.Sha256Of(dataPath);
        var editor = CreditRiskOnnxExport.WithMetadata(model.ExportOnnx(), ModelName, seed, dataSha256);
        editor.Save(modelPath);

        var card = CreditRiskCard.Create(model, metrics, Path.GetFileName(dataPath), dataSha256);
        File.WriteAllText(cardPath, JsonSerializer.Serialize(card, CardJson) + "\n");
        File.WriteAllText(backgroundPath, BackgroundCsv(model.Train, seed));

        return new CreditRiskTrainingResult(modelPath, cardPath, backgroundPath, metrics, card, editor.Inputs, editor.Outputs);
    }

    /// <summary>Trains on a stratified 80 % of <paramref name="rows"/>; the rest is kept for evaluation.</summary>
    internal static CreditRiskModel Train(IReadOnlyList<HmdaApplication> rows, int seed)
    {
        var (train, holdout) = StratifiedSplit.Split(rows, r => r.Deny, HoldoutFraction, seed);
        var context = new MLContext(seed);
        var transformer = Pipeline(context).Fit(context.Data.LoadFromEnumerable(train));
        return new CreditRiskModel(context, transformer, train, holdout, seed);
    }

    /// <summary>Concatenate the features, min-max normalise them, then L-BFGS logistic regression (<see cref="TrainerOptions"/> unless given).</summary>
    internal static IEstimator<ITransformer> Pipeline(MLContext context, LbfgsLogisticRegressionBinaryTrainer.Options? options = null) =>
        context.Transforms.Concatenate("Features", HmdaDataset.FeatureNames.ToArray())
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.BinaryClassification.Trainers.LbfgsLogisticRegression(options ?? TrainerOptions()));

    internal static LbfgsLogisticRegressionBinaryTrainer.Options TrainerOptions() => new()
    {
        LabelColumnName = HmdaDataset.LabelName,
        FeatureColumnName = "Features",
        L1Regularization = L1Regularization,
        L2Regularization = L2Regularization,
        OptimizationTolerance = OptimizationTolerance,

        // One thread: multi-threaded gradient sums are added in a varying order, which changes the last bits.
        NumberOfThreads = 1,
    };

    /// <summary>A seeded sample of <see cref="BackgroundRows"/> training rows, inputs only, header first.</summary>
    internal static string BackgroundCsv(IReadOnlyList<HmdaApplication> train, int seed)
    {
        var indices = Enumerable.Range(0, train.Count).ToArray();
        new SeededShuffle(seed).Shuffle(indices);
        var chosen = indices.Take(Math.Min(BackgroundRows, train.Count)).Order();

        var csv = new StringBuilder();
        csv.Append(string.Join(",", HmdaDataset.FeatureNames)).Append('\n');
        foreach (var i in chosen)
        {
            csv.Append(string.Join(",", train[i].Features().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }

        return csv.ToString();
    }
}
