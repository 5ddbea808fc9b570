using System.Globalization;
using System.Text;
using System.Text.Json;
using Warden.Contracts.Registry;

namespace Warden.Training.Tabular;

/// <summary>
/// Writes a trained <see cref="TabularModel"/> as a directory <c>warden models deploy</c> takes as it is: <c>model.onnx</c>,
/// <c>card.json</c>, <c>background.csv</c> (a seeded sample of training inputs for explanations) and <c>reference.csv</c>
/// (every training row with its label, the drift reference profile).
/// </summary>
public static class TabularExport
{
    /// <summary>Training rows written to <c>background.csv</c>.</summary>
    public const int BackgroundRows = 100;

    /// <summary>Trains per <paramref name="spec"/> and writes the directory.</summary>
    public static TabularTrainingResult TrainAndWrite(string dataPath, TabularSpec spec, string outDir, string? testPath = null, string? cardTemplatePath = null)
    {
        ModelCard? template = null;
        if (cardTemplatePath is not null)
        {
            try
            {
                template = JsonSerializer.Deserialize<ModelCard>(File.ReadAllText(cardTemplatePath), JsonSerializerOptions.Web);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{Path.GetFileName(cardTemplatePath)}: not a model card: {ex.Message}", ex);
            }
        }

        var model = TabularTrainer.Train(dataPath, spec, testPath);
        return Write(model, dataPath, outDir, template);
    }

    /// <summary>Writes <paramref name="model"/> into <paramref name="outDir"/> (created if missing).</summary>
    public static TabularTrainingResult Write(TabularModel model, string dataPath, string outDir, ModelCard? template = null)
    {
        var metrics = model.Evaluate();
        Directory.CreateDirectory(outDir);
        var dataSha256 = CreditRiskOnnxExport.Sha256Of(dataPath);
        var editor = CreditRiskOnnxExport.WithMetadata(model.ExportOnnx(), model.Spec.Name, model.Spec.Seed, dataSha256);
        var modelPath = Path.Combine(outDir, "model.onnx");
        editor.Save(modelPath);

        var card = TabularCard.Create(model, metrics, Path.GetFileName(dataPath), dataSha256, template);
        var cardPath = Path.Combine(outDir, "card.json");
        File.WriteAllText(cardPath, JsonSerializer.Serialize(card, CreditRiskTrainer.CardJson) + "\n");
        var backgroundPath = Path.Combine(outDir, "background.csv");
        File.WriteAllText(backgroundPath, BackgroundCsv(model.Train, model.Encoder, model.Spec.Seed));
        var referencePath = Path.Combine(outDir, "reference.csv");
        File.WriteAllText(referencePath, ReferenceCsv(model.Train, model.Encoder, model.Spec.Label));
        return new TabularTrainingResult(modelPath, cardPath, backgroundPath, referencePath, metrics, card, editor.Inputs, editor.Outputs);
    }

    /// <summary>A seeded sample of training rows, inputs only, as the model takes them (missing values as the training mean).</summary>
    internal static string BackgroundCsv(TabularTable train, TabularEncoder encoder, int seed)
    {
        var indices = Enumerable.Range(0, train.RowCount).ToArray();
        new SeededShuffle(seed).Shuffle(indices);
        return Csv(train, encoder, indices.Take(Math.Min(BackgroundRows, train.RowCount)).Order(), null);
    }

    /// <summary>Every training row with its label as 1/0: the version's reference profile for drift.</summary>
    internal static string ReferenceCsv(TabularTable train, TabularEncoder encoder, string label) =>
        Csv(train, encoder, Enumerable.Range(0, train.RowCount), label);

    private static string Csv(TabularTable table, TabularEncoder encoder, IEnumerable<int> rows, string? label)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(",", encoder.Columns.Select(c => Quote(c.Name))));
        if (label is not null)
        {
            csv.Append(',').Append(Quote(label));
        }

        csv.Append('\n');
        foreach (var i in rows)
        {
            csv.Append(string.Join(",", encoder.Columns.Select(c => Cell(table, c, i))));
            if (label is not null)
            {
                csv.Append(',').Append(table.Labels[i] ? '1' : '0');
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    private static string Cell(TabularTable table, TabularColumn column, int row)
    {
        var raw = table.Values[column.Name][row];
        if (column.Kind == TabularColumnKind.Categorical)
        {
            return Quote(raw);
        }

        var v = TabularEncoder.Number(column.Kind, raw);
        return (float.IsNaN(v) ? (float)column.Mean : v).ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
