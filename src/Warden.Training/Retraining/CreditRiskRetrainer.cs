using System.Globalization;
using System.Text;
using Microsoft.ML;
using Warden.Core.Monitoring;
using Warden.Core.Retraining;

namespace Warden.Training.Retraining;

/// <summary>
/// Retrains a model: one whose base card records the generic trainer's settings (and whose inputs are not the HMDA ones) with
/// <see cref="TabularRetrainer"/>; the credit-risk model (any model whose inputs are the HMDA features of <see cref="HmdaDataset"/>) with
/// <see cref="CreditRiskTrainer"/>'s pipeline — min-max normalisation and ML.NET L-BFGS logistic regression, exported to
/// ONNX — on the training CSV plus labelled feedback rows. A stratified 20 % of the combined rows is held out for the card's
/// metrics and the fairness report. The pipeline is refitted from scratch rather than warm-started: with feedback rows the
/// normaliser's range may move, and <see cref="Transfer.WarmStartFineTuner"/> needs the base's fitted ML.NET pipeline,
/// which the registry does not keep (it stores ONNX only). Cancellation is checked between phases and on every row
/// ML.NET reads while fitting.
/// </summary>
public sealed class CreditRiskRetrainer : ModelRetrainer
{
    private static readonly HashSet<string> Features = [.. HmdaDataset.FeatureNames];

    public override string? Unsupported(string model, IReadOnlyList<string> inputNames)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        return IsHmda(inputNames)
            ? null
            : $"model '{model}' cannot be retrained: the built-in retrainer trains credit-risk models whose inputs are {string.Join(", ", HmdaDataset.FeatureNames)}, " +
              "or models whose card records the settings of 'warden train' (label, positive, features)";
    }

    /// <summary>HMDA inputs, or a card recording the generic trainer's settings for exactly these inputs.</summary>
    public override string? Unsupported(string model, IReadOnlyList<string> inputNames, Warden.Contracts.Registry.ModelCard? card)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        if (IsHmda(inputNames) || TabularRetrainer.RecordedSpec(card, model, 0) is not { } spec)
        {
            return Unsupported(model, inputNames);
        }

        if (!spec.Features!.Order(StringComparer.Ordinal).SequenceEqual(inputNames.Order(StringComparer.Ordinal)))
        {
            return $"model '{model}' cannot be retrained: its card records the features {string.Join(", ", spec.Features!)} but the version takes {string.Join(", ", inputNames)}";
        }

        return null;
    }

    /// <summary>
    /// A model with the HMDA inputs retrains on the credit-risk pipeline (with feedback weights); any other model whose base card
    /// records the generic trainer's settings retrains with <see cref="TabularRetrainer"/> on those settings.
    /// </summary>
    public override Task<RetrainOutput> TrainAsync(RetrainInput input, IProgress<RetrainProgress> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(progress);
        return TabularRetrainer.RecordedSpec(input.BaseCard, input.Model, input.Seed) is { } spec && !IsHmda(spec.Features!)
            ? Task.Run(() => TabularRetrainer.Train(input, spec, progress, cancellationToken), cancellationToken)
            : Task.Run(() => Train(input, progress, cancellationToken), cancellationToken);
    }

    private static bool IsHmda(IReadOnlyList<string> inputNames) => inputNames.Count == Features.Count && inputNames.All(Features.Contains);

    private static RetrainOutput Train(RetrainInput input, IProgress<RetrainProgress> progress, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        progress.Report(new RetrainProgress(0, "loading training data"));
        var data = HmdaDataset.Load(input.TrainingDataPath).ToList();
        var loaded = data.Count;
        if (input.MaxRows is { } max && max < data.Count)
        {
            var indices = Enumerable.Range(0, data.Count).ToArray();
            new SeededShuffle(input.Seed).Shuffle(indices);
            data = indices.Take(max).Order().Select(i => data[i]).ToList();
        }

        input.Log($"loaded {loaded} rows from {Path.GetFileName(input.TrainingDataPath)}" + (data.Count < loaded ? $", using a seeded sample of {data.Count}" : ""));
        var unknownAfam = new HashSet<HmdaApplication>(ReferenceEqualityComparer.Instance);
        var fromFeedback = new HashSet<HmdaApplication>(ReferenceEqualityComparer.Instance);
        var feedback = 0;
        foreach (var row in input.Feedback)
        {
            var features = HmdaDataset.FeatureNames.Select(n => row.Inputs.TryGetValue(n, out var v) ? v : double.NaN).ToArray();
            if (features.Any(v => !double.IsFinite(v)))
            {
                continue;
            }

            var afam = row.Sensitive.TryGetValue(HmdaDataset.SensitiveAttribute, out var text) ? LabelValues.ToNumber(text) : double.NaN;
            var application = FromFeatures(features, row.Positive, double.IsFinite(afam) ? (float)afam : 0f);
            if (!double.IsFinite(afam))
            {
                unknownAfam.Add(application);
            }

            data.Add(application);
            fromFeedback.Add(application);
            feedback++;
        }

        input.Log($"added {feedback} labelled feedback row(s) ({input.Feedback.Count - feedback} skipped for missing inputs); {data.Count} rows in all");
        if (data.Count(r => r.Deny) < 5 || data.Count(r => !r.Deny) < 5)
        {
            throw new InvalidDataException("the training data needs at least five rows of each class");
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(new RetrainProgress(0.2, "training"));
        var (train, holdout) = StratifiedSplit.Split(data, r => r.Deny, CreditRiskTrainer.HoldoutFraction, input.Seed);
        var context = new MLContext(input.Seed);
        var weighted = input.FeedbackWeight != 1;
        var trainFeedback = train.Count(fromFeedback.Contains);
        input.Log(weighted
            ? string.Create(inv, $"example weights: file rows 1, feedback rows {input.FeedbackWeight:0.###}; training weight {train.Count - trainFeedback} file + {trainFeedback * input.FeedbackWeight:0.###} feedback ({trainFeedback} rows)")
            : "example weights: every row 1 (unweighted)");
        ITransformer transformer;
        try
        {
            // ML.NET's trainers take no token; the training rows are read through a cursor on every L-BFGS pass, so a check
            // per row stops a fit within one pass of the request. Weight 1 keeps the unweighted pipeline bit for bit.
            foreach (var row in train)
            {
                row.Weight = weighted && fromFeedback.Contains(row) ? (float)input.FeedbackWeight : 1f;
            }

            transformer = (weighted ? WeightedPipeline(context) : CreditRiskTrainer.Pipeline(context))
                .Fit(context.Data.LoadFromEnumerable(Checked(train, cancellationToken)));
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // ML.NET wraps the cursor's exception in its own types; the token is what matters.
            throw new OperationCanceledException(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = new CreditRiskModel(context, transformer, train, holdout, input.Seed);
        progress.Report(new RetrainProgress(0.6, "evaluating"));
        var metrics = model.Evaluate();
        input.Log(string.Create(inv, $"trained on {train.Count} rows; held-out AUC {metrics.Auc:0.0000}, accuracy {metrics.Accuracy:0.0000} on {metrics.Rows} rows"));
        var feedbackHoldout = holdout.Where(fromFeedback.Contains).ToList();
        var feedbackMetrics = FeedbackHoldoutMetrics(model, feedbackHoldout);
        if (feedbackMetrics is { } fm)
        {
            input.Log(string.Create(inv, $"held-out feedback rows alone: AUC {fm.Auc:0.0000}, accuracy {fm.Accuracy:0.0000} on {feedbackHoldout.Count} rows"));
        }
        else if (feedbackHoldout.Count > 0)
        {
            input.Log($"held-out feedback rows alone: {feedbackHoldout.Count} rows, too few of one class for AUC");
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(new RetrainProgress(0.75, "exporting ONNX"));
        var dataSha = CreditRiskOnnxExport.Sha256Of(input.TrainingDataPath);
        var onnx = CreditRiskOnnxExport.WithMetadata(model.ExportOnnx(), input.Model, input.Seed, dataSha).ToBytes();
        var card = CreditRiskCard.Create(model, metrics, Path.GetFileName(input.TrainingDataPath), dataSha);
        card.Name = input.Model;
        card.TrainingData!.Source =
            $"Retrained from {Path.GetFileName(input.TrainingDataPath)} (sha256 {dataSha}, {data.Count - feedback} rows used) plus {feedback} labelled feedback row(s) " +
            $"joined with their logged inputs; parent version {input.BaseVersion ?? "none"}. " + card.TrainingData.Source;
        card.Parameters["parent_version"] = input.BaseVersion ?? "none";
        card.Parameters["feedback_rows"] = feedback.ToString(inv);
        card.Parameters["training_rows_from_file"] = (data.Count - feedback).ToString(inv);
        card.Parameters["feedback_weight"] = input.FeedbackWeight.ToString("R", inv);
        card.Parameters["file_row_weight"] = "1";
        if (feedbackMetrics is { } m)
        {
            card.Parameters["feedback_holdout_rows"] = feedbackHoldout.Count.ToString(inv);
            card.Parameters["feedback_holdout_auc"] = m.Auc.ToString("0.0000", inv);
            card.Parameters["feedback_holdout_accuracy"] = m.Accuracy.ToString("0.0000", inv);
        }
        if (input.BaseCard is { } parent)
        {
            card.Owner = parent.Owner;
        }

        progress.Report(new RetrainProgress(0.9, "scoring held-out rows"));
        var scores = model.Predict(holdout).Select(p => (double)p.Probability).ToArray();
        var afamValues = holdout.Select(r => unknownAfam.Contains(r) ? null : r.Afam == 1f ? "yes" : "no").ToArray();
        var output = new RetrainOutput(
            onnx, card, ReferenceCsv(train), HmdaDataset.LabelName,
            new RetrainHoldout(holdout.Select(r => r.Deny).ToArray(), scores, new Dictionary<string, string?[]> { [HmdaDataset.SensitiveAttribute] = afamValues }));
        progress.Report(new RetrainProgress(1, "trained"));
        return output;
    }

    /// <summary><see cref="CreditRiskTrainer.Pipeline"/> with the example weight column given to L-BFGS.</summary>
    internal static IEstimator<ITransformer> WeightedPipeline(MLContext context)
    {
        var options = CreditRiskTrainer.TrainerOptions();
        options.ExampleWeightColumnName = HmdaApplication.WeightColumn;
        return CreditRiskTrainer.Pipeline(context, options);
    }

    /// <summary>AUC and accuracy on the held-out feedback rows, or null when they lack one of the classes.</summary>
    private static (double Auc, double Accuracy)? FeedbackHoldoutMetrics(CreditRiskModel model, IReadOnlyList<HmdaApplication> rows)
    {
        if (!rows.Any(r => r.Deny) || rows.All(r => r.Deny))
        {
            return null;
        }

        var scored = model.Transformer.Transform(model.Context.Data.LoadFromEnumerable(rows));
        var m = model.Context.BinaryClassification.Evaluate(scored, labelColumnName: HmdaDataset.LabelName);
        return (m.AreaUnderRocCurve, m.Accuracy);
    }

    private static IEnumerable<HmdaApplication> Checked(IReadOnlyList<HmdaApplication> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    private static HmdaApplication FromFeatures(double[] f, bool deny, float afam) => new()
    {
        Pirat = (float)f[0], Hirat = (float)f[1], Lvrat = (float)f[2], Chist = (float)f[3], Mhist = (float)f[4], Phist = (float)f[5],
        Unemp = (float)f[6], Selfemp = (float)f[7], Insurance = (float)f[8], Condomin = (float)f[9], Single = (float)f[10], Hschool = (float)f[11],
        Afam = afam, Deny = deny,
    };

    /// <summary>Training rows, every input plus the label as 1/0, for the new version's reference profile.</summary>
    private static string ReferenceCsv(IReadOnlyList<HmdaApplication> rows)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(",", HmdaDataset.FeatureNames)).Append(',').Append(HmdaDataset.LabelName).Append('\n');
        foreach (var row in rows)
        {
            csv.Append(string.Join(",", row.Features().Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(',').Append(row.Deny ? '1' : '0').Append('\n');
        }

        return csv.ToString();
    }
}
