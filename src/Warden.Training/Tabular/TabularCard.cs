using System.Globalization;
using MathNet.Numerics.Statistics;
using Microsoft.ML;
using Warden.Contracts.Registry;
using Warden.Core.Data;
using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tabular;

/// <summary>
/// Writes a model card from the data a model was trained on: rows, columns and their encodings, label rate, group shares
/// (as <c>warden data profile</c> computes them), test metrics overall and per group. An optional template card supplies
/// what data cannot say (owner, intended and out-of-scope uses, references, feature meanings, limitations).
/// </summary>
internal static class TabularCard
{
    public static ModelCard Create(TabularModel model, CreditRiskMetrics metrics, string dataFile, string dataSha256, ModelCard? template)
    {
        var inv = CultureInfo.InvariantCulture;
        var spec = model.Spec;
        var train = model.Train;
        var positives = train.Labels.Count(l => l);
        var labelRate = positives / (double)train.RowCount;
        var encodings = string.Join("; ", model.Encoder.Columns.Select(Encoding));
        var descriptions = template?.Features.ToDictionary(f => f.Name, f => f.Description, StringComparer.Ordinal) ?? [];
        var card = new ModelCard
        {
            Name = spec.Name,
            Description = string.IsNullOrEmpty(template?.Description)
                ? $"Predicts {spec.Label} = {spec.Positive} from {train.FeatureNames.Count.ToString(inv)} column(s) of {dataFile}. " +
                  $"Outputs '{CreditRiskTrainer.LabelOutput}' (BOOL [N,1]) and '{CreditRiskTrainer.ScoreOutput}' (FLOAT [N,1], P({spec.Label} = {spec.Positive}))."
                : template.Description,
            Owner = template?.Owner ?? "",
            License = template?.License,
            IntendedUses = template?.IntendedUses ?? [],
            OutOfScopeUses = template?.OutOfScopeUses ?? [],
            References = template?.References ?? [],
            TrainingData = new TrainingDataInfo
            {
                Source = (string.IsNullOrEmpty(template?.TrainingData?.Source) ? "" : template.TrainingData.Source + " ") +
                         $"File {dataFile}, sha256 {dataSha256}.",
                Rows = train.RowCount,
                HoldoutRows = model.Test.RowCount,
                Label = $"{spec.Label}; positive value '{spec.Positive}'",
                Preparation =
                    $"Evaluation rows: {model.TestSource}. Training rows: {train.RowCount.ToString(inv)} ({positives.ToString(inv)} positive); " +
                    $"evaluation rows: {metrics.Rows.ToString(inv)} ({metrics.Positives.ToString(inv)} positive)." +
                    (model.Train.DroppedRows > 0 ? $" {model.Train.DroppedRows.ToString(inv)} row(s) without a label dropped." : "") +
                    $" Inputs: {encodings}. " +
                    (spec.Sensitive.Count == 0 ? "No sensitive columns named."
                        : spec.SensitiveAsFeature ? $"Sensitive column(s) {string.Join(", ", spec.Sensitive)} ARE model inputs (--sensitive-as-feature)."
                        : $"Sensitive column(s) {string.Join(", ", spec.Sensitive)} kept out of the inputs."),
            },
            DataProfile = Profile(model),
            Features = model.Encoder.Columns
                .Select(c => new FeatureInfo { Name = c.Name, Description = descriptions.GetValueOrDefault(c.Name) ?? Encoding(c), Redaction = "keep" })
                .ToList(),
            SensitiveAttributes = [.. spec.Sensitive],
            Metrics = Metrics(model, metrics),
            Limitations =
            [
                .. template?.Limitations ?? [],
                $"Small data: {train.RowCount.ToString(inv)} training and {metrics.Rows.ToString(inv)} evaluation rows; the metrics carry sampling error.",
                $"Positive class share {labelRate.ToString("0.0 %", inv)} in the training rows; the label is taken at probability > 0.5.",
                "Labels are past outcomes or decisions: the model imitates them, including any bias in them.",
            ],
            EthicalConsiderations =
            [
                .. template?.EthicalConsiderations ?? [],
                .. spec.Sensitive.Count == 0 ? Array.Empty<string>() : [ProxyNote(model)],
                "No bias mitigation was applied (mitigation: none).",
            ],
            Parameters = Parameters(model),
            Mitigation = "none",
            ScoreOutput = CreditRiskTrainer.ScoreOutput,
            LabelOutput = CreditRiskTrainer.LabelOutput,
        };
        return card;
    }

    /// <summary>How a column is encoded, in words.</summary>
    public static string Encoding(TabularColumn c)
    {
        var inv = CultureInfo.InvariantCulture;
        var missing = c.Missing > 0 ? $", {c.Missing.ToString(inv)} missing in training replaced by the mean {c.Mean.ToString("0.####", inv)}" : "";
        return c.Kind switch
        {
            TabularColumnKind.Numeric => $"{c.Name}: numeric, FLOAT input{missing}",
            TabularColumnKind.Boolean => $"{c.Name}: yes/no, FLOAT input 1 = yes, 0 = no{missing}",
            _ => $"{c.Name}: categorical, STRING input one-hot over {c.Categories.Count.ToString(inv)} training value(s) ({string.Join(", ", c.Categories.Take(8))}{(c.Categories.Count > 8 ? ", …" : "")}); an unseen value encodes as all zeros",
        };
    }

    private static Dictionary<string, double> Metrics(TabularModel model, CreditRiskMetrics metrics)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["auc"] = Math.Round(metrics.Auc, 6),
            ["accuracy"] = Math.Round(metrics.Accuracy, 6),
            ["log_loss_bits"] = Math.Round(metrics.LogLoss, 6),
            ["f1"] = Math.Round(metrics.F1, 6),
            ["precision"] = Math.Round(metrics.Precision, 6),
            ["recall"] = Math.Round(metrics.Recall, 6),
            ["auprc"] = Math.Round(metrics.Auprc, 6),
        };
        if (model.Spec.Sensitive.Count == 0)
        {
            return result;
        }

        var (labels, probabilities) = model.Predict(model.Test);
        foreach (var attribute in model.Spec.Sensitive)
        {
            var m = MitigationEvaluator.Evaluate(model.Test.Labels, model.Test.Sensitive[attribute], labels.Select(l => l ? 1.0 : 0.0).ToArray(), probabilities, attribute);
            foreach (var (key, rate) in m.SelectionRate)
            {
                Add(result, key + ".selection_rate", rate);
                Add(result, key + ".true_positive_rate", m.TruePositiveRate[key]);
                Add(result, key + ".false_positive_rate", m.FalsePositiveRate[key]);
            }

            Add(result, attribute + ".demographic_parity_difference", m.DemographicParityDifference);
            Add(result, attribute + ".equalized_odds_difference", m.EqualizedOddsDifference);
        }

        return result;
    }

    private static void Add(Dictionary<string, double> metrics, string key, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            metrics[key] = Math.Round(v, 6);
        }
    }

    /// <summary>Per-input statistics of the training rows and the sensitive groups' counts, shares and label rates.</summary>
    private static DataProfileInfo Profile(TabularModel model)
    {
        var train = model.Train;
        var columns = model.Encoder.Columns.Where(c => c.Kind != TabularColumnKind.Categorical).Select(c =>
        {
            var values = train.Values[c.Name].Select(v => (double)TabularEncoder.Number(c.Kind, v)).Where(double.IsFinite).ToArray();
            return new ColumnProfileInfo
            {
                Name = c.Name,
                Count = values.Length,
                Mean = values.Length == 0 ? 0 : Math.Round(values.Mean(), 6),
                StdDev = values.Length < 2 ? 0 : Math.Round(values.StandardDeviation(), 6),
                Min = values.Length == 0 ? 0 : values.Min(),
                Max = values.Length == 0 ? 0 : values.Max(),
            };
        }).ToList();
        var groups = new List<GroupShareInfo>();
        if (model.Spec.Sensitive.Count > 0)
        {
            var data = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["warden.label"] = train.Labels.Select(l => l ? "1" : "0").ToArray() };
            foreach (var s in model.Spec.Sensitive)
            {
                data[s] = train.Sensitive[s];
            }

            foreach (var s in model.Spec.Sensitive)
            {
                var profile = DataProfiler.Profile(CsvTable.FromColumns(data), new DataProfileOptions { Sensitive = [s], Label = "warden.label", PositiveLabel = "1" });
                groups.AddRange(profile.Features.SelectMany(f => f.Groups).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GroupShareInfo
                {
                    Attribute = s,
                    Value = g.Values[s],
                    Count = (int)g.Count,
                    Share = Math.Round(g.Share, 6),
                    BaseRate = g.BaseRate is { } b ? Math.Round(b, 6) : null,
                }));
            }
        }

        return new DataProfileInfo
        {
            Rows = train.RowCount,
            BaseRate = Math.Round(train.Labels.Count(l => l) / (double)train.RowCount, 6),
            Columns = columns,
            Groups = groups,
        };
    }

    /// <summary>The encoded inputs most correlated with the first sensitive column's first group, so readers see the proxies.</summary>
    private static string ProxyNote(TabularModel model)
    {
        var inv = CultureInfo.InvariantCulture;
        var attribute = model.Spec.Sensitive[0];
        var values = model.Train.Sensitive[attribute];
        var group = values.Where(v => !DataProfiler.IsMissing(v)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Last();
        var indicator = values.Select(v => v == group ? 1.0 : 0.0).ToArray();
        var x = model.Encoder.Encode(model.Train);
        var names = model.Encoder.EncodedNames();
        var strongest = names.Select((n, j) => (n, r: Correlation.Pearson(indicator, x.Select(row => (double)row[j]))))
            .Where(p => double.IsFinite(p.r))
            .OrderByDescending(p => Math.Abs(p.r))
            .Take(4)
            .Select(p => $"{p.n} {p.r.ToString("0.00", inv)}");
        return model.Spec.SensitiveAsFeature
            ? $"{attribute} is a model input (--sensitive-as-feature): predictions depend on it directly."
            : $"{attribute} is excluded from the inputs, but proxies may remain: the inputs most correlated with {attribute} = {group} (Pearson r) are {string.Join(", ", strongest)}.";
    }

    private static Dictionary<string, string> Parameters(TabularModel model)
    {
        var inv = CultureInfo.InvariantCulture;
        var spec = model.Spec;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["algorithm"] = spec.Trainer switch
            {
                TabularTrainerKind.Logistic => "ML.NET LbfgsLogisticRegression (L-BFGS / OWL-QN) on NormalizeMinMax features, probability = sigmoid(score)",
                TabularTrainerKind.FastTree => "ML.NET FastTree gradient-boosted trees (defaults), Platt-calibrated probability",
                _ => "LightGBM through Microsoft.ML.LightGbm (defaults), probability = sigmoid(score)",
            },
            ["trainer"] = spec.Trainer.ToString().ToLowerInvariant(),
            ["label"] = spec.Label,
            ["positive"] = spec.Positive,
            ["features"] = string.Join(",", model.Train.FeatureNames),
            ["categorical"] = string.Join(",", model.Encoder.Columns.Where(c => c.Kind == TabularColumnKind.Categorical).Select(c => c.Name)),
            ["sensitive"] = string.Join(",", spec.Sensitive),
            ["sensitive_as_feature"] = spec.SensitiveAsFeature ? "true" : "false",
            ["seed"] = spec.Seed.ToString(inv),
            ["evaluation"] = model.TestSource,
            ["decision_threshold"] = "0.5",
            ["threads"] = "1",
            ["ml_net_version"] = CreditRiskCard.VersionOf(typeof(MLContext).Assembly),
            ["onnx_converter_version"] = CreditRiskCard.VersionOf(typeof(OnnxExportExtensions).Assembly),
        };
        if (spec.Trainer == TabularTrainerKind.Logistic)
        {
            parameters["l1_regularization"] = CreditRiskTrainer.L1Regularization.ToString("R", inv);
            parameters["l2_regularization"] = CreditRiskTrainer.L2Regularization.ToString("R", inv);
            parameters["optimization_tolerance"] = CreditRiskTrainer.OptimizationTolerance.ToString("R", inv);
        }

        if (spec.Holdout is > 0 and < 1 && model.TestSource.StartsWith("stratified", StringComparison.Ordinal))
        {
            parameters["holdout_fraction"] = spec.Holdout.ToString(inv);
        }

        return parameters;
    }
}
