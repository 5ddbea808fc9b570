using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Warden.Training.Adaptation;

namespace Warden.Training.Transfer;

/// <summary>
/// Warm-start fine-tuning of the credit-risk logistic regression: the base model's feature pipeline (including its min-max
/// normaliser, so the weights keep their meaning) is frozen, and L-BFGS restarts from the base weights and bias
/// (<c>LbfgsLogisticRegressionBinaryTrainer.Fit(IDataView, LinearModelParameters)</c>) on the target rows for at most
/// <c>iterations</c> steps. The objective is convex, so run to convergence a warm start reaches the same optimum as a cold
/// start with the same normaliser; the transfer comes from stopping early, which keeps the solution near the base
/// weights (early stopping as implicit regularisation toward the starting point; Bishop 1995, §9.2.3).
/// </summary>
public static class WarmStartFineTuner
{
    /// <summary>Default L-BFGS iteration budget for fine-tuning (see docs/transfer-learning.md for the budgets compared).</summary>
    public const int DefaultIterations = 2;

    /// <summary>
    /// L1 weight while fine-tuning. Zero: with L1, ML.NET's L-BFGS runs OWL-QN, whose orthant projection made the first
    /// iterates jump far from the base weights on 25-row samples (AUC 0.63 after 2 steps against 0.74 without L1).
    /// </summary>
    public const float FineTuneL1 = 0f;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Fine-tunes the published base in <paramref name="baseVersionDir"/> (retrained from <paramref name="baseDataPath"/>, see
    /// <see cref="CreditRiskBaseModel"/>) on an HMDA-format <paramref name="targetPath"/>: a stratified 20 % of the target is held
    /// out (seed <paramref name="seed"/>), the rest is fine-tuned on. Writes <c>model.onnx</c> (the credit-risk interface),
    /// <c>card.json</c> and <c>transfer.json</c> (base vs fine-tuned vs from-scratch on the target hold-out) to <paramref name="outDir"/>.
    /// </summary>
    public static FineTuneResult FineTuneAndExport(string baseVersionDir, string baseReference, string baseDataPath, string targetPath,
        string outDir, int seed = 42, int iterations = DefaultIterations)
    {
        var baseModel = CreditRiskBaseModel.Retrain(baseVersionDir, baseDataPath);
        var target = HmdaDataset.Load(targetPath);
        if (target.Count(r => r.Deny) < 2 || target.Count(r => !r.Deny) < 2)
        {
            throw new InvalidDataException($"{targetPath}: the target needs at least two rows of each class.");
        }

        var (train, holdout) = StratifiedSplit.Split(target, r => r.Deny, CreditRiskTrainer.HoldoutFraction, seed);
        var context = new MLContext(seed);
        var tuned = FineTune(context, baseModel.Transformer, train, iterations);
        var scratch = FromScratch(context, train);
        var labels = holdout.Select(r => r.Deny).ToArray();
        var baseQuality = BinaryQuality.Compute(labels, Probabilities(context, baseModel.Transformer, holdout));
        var tunedQuality = BinaryQuality.Compute(labels, Probabilities(context, tuned, holdout));
        var scratchQuality = BinaryQuality.Compute(labels, Probabilities(context, scratch, holdout));

        Directory.CreateDirectory(outDir);
        var modelPath = Path.Combine(outDir, "model.onnx");
        var cardPath = Path.Combine(outDir, "card.json");
        var reportPath = Path.Combine(outDir, "transfer.json");
        var targetSha = CreditRiskOnnxExport.Sha256Of(targetPath);
        var tunedModel = new CreditRiskModel(context, tuned, train, holdout, seed);
        CreditRiskOnnxExport.WithMetadata(tunedModel.ExportOnnx(), CreditRiskTrainer.ModelName, seed, targetSha)
            .SetMetadata("warden.base_model", baseReference)
            .SetMetadata("warden.fine_tune_iterations", iterations.ToString(CultureInfo.InvariantCulture))
            .Save(modelPath);

        var card = CreditRiskCard.Create(tunedModel, tunedModel.Evaluate(), Path.GetFileName(targetPath), targetSha);
        card.TrainingData!.Source = $"Target rows {Path.GetFileName(targetPath)} (sha256 {targetSha}), fine-tuned from {baseReference}. " + card.TrainingData.Source;
        card.TrainingData.Preparation = card.TrainingData.Preparation.Replace(
            "Min-max normalisation fitted on the training rows only.",
            $"Min-max normaliser frozen from {baseReference}; L-BFGS warm-started from its weights for {iterations} iteration(s), L1 {FineTuneL1}, L2 {CreditRiskTrainer.L2Regularization}.",
            StringComparison.Ordinal);
        card.Parameters["base_model"] = baseReference;
        card.Parameters["fine_tune_iterations"] = iterations.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(cardPath, JsonSerializer.Serialize(card, Json) + "\n");

        var result = new FineTuneResult(modelPath, cardPath, reportPath, train.Count, holdout.Count, baseQuality, tunedQuality, scratchQuality);
        File.WriteAllText(reportPath, JsonSerializer.Serialize(new { baseModel = baseReference, iterations, seed, result.TrainRows, result.HoldoutRows, @base = baseQuality, fineTuned = tunedQuality, scratch = scratchQuality }, Json) + "\n");
        return result;
    }

    /// <summary>Fine-tunes <paramref name="baseModel"/> (a fitted <see cref="CreditRiskTrainer"/> pipeline) on <paramref name="target"/>.</summary>
    internal static ITransformer FineTune(MLContext context, ITransformer baseModel, IReadOnlyList<HmdaApplication> target, int iterations,
        float l1 = FineTuneL1, float l2 = CreditRiskTrainer.L2Regularization)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var (featurizer, linear) = Decompose(baseModel);
        var options = CreditRiskTrainer.TrainerOptions();
        options.MaximumNumberOfIterations = iterations;
        options.L1Regularization = l1;
        options.L2Regularization = l2;
        var trainer = context.BinaryClassification.Trainers.LbfgsLogisticRegression(options);
        var features = featurizer.Transform(context.Data.LoadFromEnumerable(target));
        var predictor = trainer.Fit(features, linear);
        return new TransformerChain<ITransformer>([.. featurizer, predictor]);
    }

    /// <summary>The whole credit-risk pipeline (own normaliser, cold start, run to convergence) on <paramref name="rows"/> only.</summary>
    internal static ITransformer FromScratch(MLContext context, IReadOnlyList<HmdaApplication> rows) =>
        CreditRiskTrainer.Pipeline(context).Fit(context.Data.LoadFromEnumerable(rows));

    /// <summary>P(deny) of each row under <paramref name="model"/>.</summary>
    internal static double[] Probabilities(MLContext context, ITransformer model, IReadOnlyList<HmdaApplication> rows) =>
        model.Transform(context.Data.LoadFromEnumerable(rows)).GetColumn<float>("Probability").Select(p => (double)p).ToArray();

    /// <summary>The base weights and bias (one per normalised feature) and the frozen feature pipeline in front of them.</summary>
    internal static (TransformerChain<ITransformer> Featurizer, LinearBinaryModelParameters Linear) Decompose(ITransformer model)
    {
        if (model is not IEnumerable<ITransformer> chain)
        {
            throw new ArgumentException("Expected a fitted credit-risk pipeline (a transformer chain).", nameof(model));
        }

        var parts = chain.ToArray();
        if (parts.Length < 2 || parts[^1] is not ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>> predictor)
        {
            throw new ArgumentException("The pipeline does not end in a calibrated linear binary classifier.", nameof(model));
        }

        return (new TransformerChain<ITransformer>(parts[..^1]), predictor.Model.SubModel);
    }
}
