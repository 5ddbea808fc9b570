using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Data;
using Warden.Core.Onnx;

namespace Warden.Training.Transfer;

/// <summary>
/// Recovers the ML.NET parameters of a published credit-risk version for warm starting. The registry stores only ONNX, so
/// the base is retrained with <see cref="CreditRiskTrainer"/> from the data and seed recorded in the graph's metadata
/// (<c>warden.training_data_sha256</c>, <c>warden.training_seed</c>); training is single-threaded and deterministic. The
/// retrained model must reproduce the published graph's probabilities on the version's <c>background.csv</c> rows, so a
/// changed trainer or data file is caught instead of silently fine-tuning a different model.
/// </summary>
public static class CreditRiskBaseModel
{
    /// <summary>Largest accepted difference between the retrained and published probabilities.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Retrains the version stored in <paramref name="versionDir"/> (model.onnx, background.csv) from <paramref name="dataPath"/>.</summary>
    /// <exception cref="InvalidDataException">Metadata is missing, the data file differs, or the retrained model disagrees with the published one.</exception>
    internal static CreditRiskModel Retrain(string versionDir, string dataPath)
    {
        var modelPath = Path.Combine(versionDir, "model.onnx");
        if (!File.Exists(modelPath))
        {
            throw new InvalidDataException($"{modelPath} not found.");
        }

        var published = File.ReadAllBytes(modelPath);
        var metadata = OnnxGraphEditor.Load(published).Metadata;
        if (!metadata.TryGetValue("warden.training_seed", out var seedText) ||
            !int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ||
            !metadata.TryGetValue("warden.training_data_sha256", out var sha))
        {
            throw new InvalidDataException($"{modelPath} has no warden.training_seed / warden.training_data_sha256 metadata; it was not written by CreditRiskTrainer.");
        }

        var actualSha = CreditRiskOnnxExport.Sha256Of(dataPath);
        if (!string.Equals(actualSha, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{dataPath} (sha256 {actualSha}) is not the data the base was trained on (sha256 {sha}).");
        }

        var model = CreditRiskTrainer.Train(HmdaDataset.Load(dataPath), seed);
        var backgroundPath = Path.Combine(versionDir, "background.csv");
        if (File.Exists(backgroundPath))
        {
            var rows = ReadBackground(backgroundPath);
            var expected = ScoreOnnx(published, rows);
            var actual = model.Predict(rows);
            for (var i = 0; i < rows.Count; i++)
            {
                if (Math.Abs(expected[i] - actual[i].Probability) > Tolerance)
                {
                    throw new InvalidDataException(
                        $"The retrained base disagrees with {modelPath} on background row {i + 1}: {actual[i].Probability} vs {expected[i]}.");
                }
            }
        }

        return model;
    }

    /// <summary>Reads a <c>background.csv</c> (header = the 12 feature names, then numbers) into applications.</summary>
    internal static IReadOnlyList<HmdaApplication> ReadBackground(string path)
    {
        var table = CsvTable.Read(path);
        if (!table.ColumnNames.SequenceEqual(HmdaDataset.FeatureNames))
        {
            throw new InvalidDataException($"{path}: the header must be {string.Join(",", HmdaDataset.FeatureNames)}.");
        }

        var columns = HmdaDataset.FeatureNames.Select(table.Column).ToArray();
        return Enumerable.Range(0, table.RowCount).Select(row =>
        {
            var v = columns.Select(c => float.TryParse(c[row], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                ? x
                : throw new InvalidDataException($"{path}:{row + 2}: '{c[row]}' is not a number.")).ToArray();
            return new HmdaApplication
            {
                Pirat = v[0], Hirat = v[1], Lvrat = v[2], Chist = v[3], Mhist = v[4], Phist = v[5],
                Unemp = v[6], Selfemp = v[7], Insurance = v[8], Condomin = v[9], Single = v[10], Hschool = v[11],
            };
        }).ToArray();
    }

    /// <summary>P(deny) from a credit-risk ONNX graph for each row.</summary>
    internal static float[] ScoreOnnx(byte[] model, IReadOnlyList<HmdaApplication> rows)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var names = HmdaDataset.FeatureNames.ToArray();
        var inputs = new OrtValue[names.Length];
        try
        {
            for (var f = 0; f < names.Length; f++)
            {
                var column = rows.Select(r => r.Features()[f]).ToArray();
                inputs[f] = OrtValue.CreateTensorValueFromMemory(column, [rows.Count, 1]);
            }

            using var run = new RunOptions();
            using var results = session.Run(run, names, inputs, [CreditRiskTrainer.ScoreOutput]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }
}
