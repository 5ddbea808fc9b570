using System.Text.Json;
using Warden.Core.Fairness;
using Warden.Core.Feedback;

namespace Warden.Core.Monitoring;

/// <summary>
/// A <see cref="FairnessDataset"/> built from the prediction log joined with ground truth: y = 1 when the label is the
/// positive value, ŷ from the label output or score ≥ threshold, the score for calibration, and each sensitive attribute
/// from the values recorded with the request. A row without a value for one of the audited attributes is left out and
/// counted: as a group of its own ("unknown") it would be compared with the real groups and drive the ratios towards 0.
/// </summary>
/// <param name="Dataset">The data set, or null when no row could be used.</param>
/// <param name="Rows">Rows used.</param>
/// <param name="Skipped">Labelled predictions left out (batched requests or outputs without a usable score/label).</param>
/// <param name="MissingSensitive">Labelled predictions left out because a sensitive attribute was not recorded with them.</param>
public sealed record LiveFairnessData(FairnessDataset? Dataset, int Rows, int Skipped, int MissingSensitive = 0)
{
    /// <summary>Builds the data set.</summary>
    public static LiveFairnessData Build(IReadOnlyList<LabeledPrediction> labelled, LiveFairnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SensitiveFeatures.Count == 0)
        {
            throw WardenException.BadRequest("name at least one sensitive feature (the model card lists none)");
        }

        var labels = new List<byte>(labelled.Count);
        var predictions = new List<byte>(labelled.Count);
        var scores = new List<double>(labelled.Count);
        var sensitive = options.SensitiveFeatures.ToDictionary(f => f, _ => new List<string>(labelled.Count), StringComparer.Ordinal);
        var skipped = 0;
        var missing = 0;
        foreach (var item in labelled)
        {
            var outputs = LoggedRow.Parse(item.Prediction.OutputsJson);
            // A prediction answered through a pipeline is logged with the pipeline's outputs: its decision and score.
            var score = options.ScoreOutput is not null && outputs.Has(options.ScoreOutput) ? outputs.Number(options.ScoreOutput)
                : outputs.Has(Pipelines.PipelineInterceptor.ScoreOutput) ? outputs.Number(Pipelines.PipelineInterceptor.ScoreOutput)
                : double.NaN;
            double predicted;
            if (options.Threshold is null && !(options.LabelOutput is not null && outputs.Has(options.LabelOutput)) && outputs.Has(Pipelines.PipelineInterceptor.DecisionOutput))
            {
                predicted = options.IsPositive(outputs.Text(Pipelines.PipelineInterceptor.DecisionOutput) ?? "") ? 1 : 0;
            }
            else if (options.Threshold is { } threshold)
            {
                predicted = double.IsNaN(score) ? double.NaN : score >= threshold ? 1 : 0;
            }
            else if (options.LabelOutput is not null && outputs.Has(options.LabelOutput))
            {
                predicted = outputs.Number(options.LabelOutput);
            }
            else
            {
                predicted = double.IsNaN(score) ? double.NaN : score >= 0.5 ? 1 : 0;
            }

            if (outputs.Rows != 1 || predicted is not (0 or 1))
            {
                skipped++;
                continue;
            }

            var values = item.Prediction.SensitiveJson is null
                ? null
                : JsonSerializer.Deserialize<Dictionary<string, string>>(item.Prediction.SensitiveJson);
            if (sensitive.Keys.Any(name => values is null || !values.TryGetValue(name, out var v) || string.IsNullOrEmpty(v)))
            {
                missing++;
                continue;
            }

            labels.Add(options.IsPositive(item.Label) ? (byte)1 : (byte)0);
            predictions.Add((byte)predicted);
            scores.Add(double.IsNaN(score) ? double.NaN : Math.Clamp(score, 0, 1));
            foreach (var (name, column) in sensitive)
            {
                column.Add(values![name]);
            }
        }

        if (labels.Count == 0)
        {
            return new LiveFairnessData(null, 0, skipped, missing);
        }

        // Calibration needs a score on every row; without one the report leaves calibration out.
        var scoreArray = scores.Any(double.IsNaN) ? null : scores.ToArray();
        var dataset = FairnessDataset.Create(
            labels.ToArray(), predictions.ToArray(), sensitive.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.ToArray())), scoreArray);
        return new LiveFairnessData(dataset, labels.Count, skipped, missing);
    }
}
