using System.Globalization;
using Warden.Contracts.Registry;
using Warden.Core.Retraining;
using Warden.Training.Tabular;

namespace Warden.Training.Retraining;

/// <summary>
/// Retraining of a model that <c>warden train</c> (the generic CSV trainer) produced: the settings recorded in the base
/// version's card (<c>label</c>, <c>positive</c>, <c>features</c>, <c>categorical</c>, <c>sensitive</c>,
/// <c>sensitive_as_feature</c>, <c>trainer</c>, <c>holdout_fraction</c>) drive <see cref="TabularTrainer"/> on the training CSV
/// plus the labelled feedback rows whose logged inputs cover every feature (categorical ones from the logged text,
/// <see cref="FeedbackRow.Texts"/>; numeric ones as numbers). With <see cref="RetrainInput.FeedbackWeight"/> w ≠ 1 each
/// feedback row enters the trainer's loss with example weight w (ML.NET <c>ExampleWeightColumnName</c>; file rows weigh 1;
/// the min-max normaliser is unweighted), as on the credit-risk path.
/// </summary>
internal static class TabularRetrainer
{
    /// <summary>The training settings recorded in <paramref name="card"/>, or null when it was not written by the generic trainer.</summary>
    public static TabularSpec? RecordedSpec(ModelCard? card, string model, int seed)
    {
        var p = card?.Parameters;
        if (p is null || !p.TryGetValue("label", out var label) || !p.TryGetValue("positive", out var positive)
            || !p.TryGetValue("features", out var features) || string.IsNullOrEmpty(features))
        {
            return null;
        }

        var trainer = Enum.TryParse<TabularTrainerKind>(p.GetValueOrDefault("trainer"), ignoreCase: true, out var kind) ? kind : TabularTrainerKind.Logistic;
        var holdout = double.TryParse(p.GetValueOrDefault("holdout_fraction"), NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? h : 0.2;
        return new TabularSpec
        {
            Label = label,
            Positive = positive,
            Features = Split(features),
            Categorical = Split(p.GetValueOrDefault("categorical")),
            Sensitive = Split(p.GetValueOrDefault("sensitive")),
            SensitiveAsFeature = p.GetValueOrDefault("sensitive_as_feature") == "true",
            Trainer = trainer,
            Holdout = holdout,
            Seed = seed,
            Name = model,
        };
    }

    public static RetrainOutput Train(RetrainInput input, TabularSpec spec, IProgress<RetrainProgress> progress, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        progress.Report(new RetrainProgress(0, "loading training data"));
        var table = TabularTable.Load(input.TrainingDataPath, spec);
        var loaded = table.RowCount;
        if (input.MaxRows is { } max && max < table.RowCount)
        {
            var indices = Enumerable.Range(0, table.RowCount).ToArray();
            new SeededShuffle(input.Seed).Shuffle(indices);
            table = table.Rows(indices.Take(max).Order().ToArray());
        }

        input.Log($"generic trainer ({spec.Trainer.ToString().ToLowerInvariant()}) with the settings recorded in version {input.BaseVersion ?? "none"}'s card: " +
            $"label {spec.Label} = {spec.Positive}, features {string.Join(",", spec.Features!)}, sensitive {string.Join(",", spec.Sensitive)}");
        input.Log($"loaded {loaded} rows from {Path.GetFileName(input.TrainingDataPath)}" + (table.RowCount < loaded ? $", using a seeded sample of {table.RowCount}" : ""));
        var fileRows = table.RowCount;
        var categorical = table.FeatureNames.Where(f => table.Kinds[f] == TabularColumnKind.Categorical).ToList();
        var usable = new List<(IReadOnlyDictionary<string, string> Values, bool Label, IReadOnlyDictionary<string, string> Sensitive)>();
        foreach (var row in input.Feedback)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in table.FeatureNames)
            {
                if ((categorical.Contains(f) ? row.Texts.GetValueOrDefault(f) : Number(row, f)) is { } value)
                {
                    values[f] = value;
                }
            }

            if (values.Count < table.FeatureNames.Count)
            {
                continue;
            }

            usable.Add((values, row.Positive, spec.Sensitive.ToDictionary(s => s, s => row.Sensitive.GetValueOrDefault(s) ?? "", StringComparer.Ordinal)));
        }

        var weight = (float)input.FeedbackWeight;
        table = table.Append(usable, weight);
        var feedback = usable.Count;
        input.Log($"added {feedback} labelled feedback row(s) ({input.Feedback.Count - feedback} skipped for missing inputs); {table.RowCount} rows in all");

        if (table.Labels.Count(l => l) < 5 || table.Labels.Count(l => !l) < 5)
        {
            throw new InvalidDataException("the training data needs at least five rows of each class");
        }

        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(new RetrainProgress(0.2, "training"));
        var (trainRows, testRows) = StratifiedSplit.Split(Enumerable.Range(0, table.RowCount).ToArray(), i => table.Labels[i], spec.Holdout, spec.Seed);
        var testSource = FormattableString.Invariant($"stratified hold-out of {spec.Holdout:0.###} of each class (seed {spec.Seed})");
        if (weight != 1)
        {
            // Feedback rows follow the file rows in the table, so an index at or past fileRows is a feedback row.
            var trainFeedback = trainRows.Count(i => i >= fileRows);
            input.Log(string.Create(inv,
                $"example weights: file rows 1, feedback rows {input.FeedbackWeight:0.###}; training weight {trainRows.Count - trainFeedback} file + {trainFeedback * input.FeedbackWeight:0.###} feedback ({trainFeedback} rows)"));
        }

        var model = TabularTrainer.Train(table.Rows(trainRows), table.Rows(testRows), spec, testSource);
        cancellationToken.ThrowIfCancellationRequested();
        progress.Report(new RetrainProgress(0.6, "evaluating"));
        var metrics = model.Evaluate();
        input.Log(string.Create(inv, $"trained on {trainRows.Count} rows; held-out AUC {metrics.Auc:0.0000}, accuracy {metrics.Accuracy:0.0000} on {metrics.Rows} rows"));

        progress.Report(new RetrainProgress(0.75, "exporting ONNX"));
        var dataSha = CreditRiskOnnxExport.Sha256Of(input.TrainingDataPath);
        var onnx = CreditRiskOnnxExport.WithMetadata(model.ExportOnnx(), input.Model, spec.Seed, dataSha).ToBytes();
        var card = TabularCard.Create(model, metrics, Path.GetFileName(input.TrainingDataPath), dataSha, input.BaseCard);
        card.Name = input.Model;
        card.TrainingData!.Source =
            $"Retrained from {Path.GetFileName(input.TrainingDataPath)} (sha256 {dataSha}, {fileRows} rows used) plus {feedback} labelled feedback row(s); " +
            $"parent version {input.BaseVersion ?? "none"}. " + card.TrainingData.Source;
        card.Parameters["parent_version"] = input.BaseVersion ?? "none";
        card.Parameters["feedback_rows"] = feedback.ToString(inv);
        card.Parameters["training_rows_from_file"] = fileRows.ToString(inv);
        card.Parameters["feedback_weight"] = input.FeedbackWeight.ToString("R", inv);
        card.Parameters["file_row_weight"] = "1";

        progress.Report(new RetrainProgress(0.9, "scoring held-out rows"));
        var (_, scores) = model.Predict(model.Test);
        var output = new RetrainOutput(onnx, card, TabularExport.ReferenceCsv(model.Train, model.Encoder, spec.Label), spec.Label,
            new RetrainHoldout(model.Test.Labels, scores,
                spec.Sensitive.ToDictionary(s => s, s => model.Test.Sensitive[s].Select(v => TabularTable.IsMissing(v) ? null : v).ToArray(), StringComparer.Ordinal)));
        progress.Report(new RetrainProgress(1, "trained"));
        return output;
    }

    /// <summary>A numeric input of a feedback row as invariant text; null when it was not logged as a finite number.</summary>
    private static string? Number(FeedbackRow row, string feature) =>
        row.Inputs.TryGetValue(feature, out var v) && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : null;

    private static IReadOnlyList<string> Split(string? list) =>
        string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
