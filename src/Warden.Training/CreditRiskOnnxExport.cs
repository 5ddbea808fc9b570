using System.Globalization;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using Warden.Core.Onnx;

namespace Warden.Training;

/// <summary>
/// Turns any ML.NET pipeline over <see cref="HmdaApplication"/> rows that ends in a binary classifier into Warden's
/// credit-risk ONNX interface: one <c>[N,1]</c> float input per feature, outputs <c>label</c> and <c>probability</c>, and
/// the <c>warden.*</c> metadata. Shared by <see cref="CreditRiskTrainer"/> and the warm-started models of
/// <see cref="Transfer.WarmStartFineTuner"/>.
/// </summary>
internal static class CreditRiskOnnxExport
{
    private const string RawLabelOutput = "PredictedLabel";
    private const string RawProbabilityOutput = "Probability";

    /// <summary>
    /// Converts <paramref name="transformer"/> from a view that has only the feature columns, so the graph has one input per
    /// feature and none for the label or the sensitive attribute, then keeps just the label and probability outputs.
    /// </summary>
    public static OnnxGraphEditor Export(MLContext context, ITransformer transformer, IReadOnlyList<HmdaApplication> rows)
    {
        var schema = SchemaDefinition.Create(typeof(HmdaApplication));
        foreach (var column in schema.Where(c => !HmdaDataset.FeatureNames.Contains(c.ColumnName)).ToList())
        {
            schema.Remove(column);
        }

        var featuresOnly = context.Data.LoadFromEnumerable(rows, schema);
        using var stream = new MemoryStream();
        context.Model.ConvertToOnnx(transformer, featuresOnly, stream);

        var editor = OnnxGraphEditor.Load(stream.ToArray());
        var labelOutput = OutputFor(editor, RawLabelOutput);
        var probabilityOutput = OutputFor(editor, RawProbabilityOutput);
        editor.KeepOutputs(labelOutput, probabilityOutput)
            .RenameOutput(labelOutput, CreditRiskTrainer.LabelOutput)
            .RenameOutput(probabilityOutput, CreditRiskTrainer.ScoreOutput)
            .SetBatchDimension(CreditRiskTrainer.BatchDimension);

        var inputs = editor.Inputs.Select(v => v.Name).ToArray();
        if (!inputs.SequenceEqual(HmdaDataset.FeatureNames))
        {
            throw new InvalidOperationException("Unexpected ONNX inputs from the converter: " + string.Join(", ", inputs));
        }

        return editor;
    }

    /// <summary>Adds the metadata every Warden credit-risk graph carries.</summary>
    public static OnnxGraphEditor WithMetadata(OnnxGraphEditor editor, string name, int seed, string dataSha256) =>
        editor.SetMetadata("warden.name", name)
            .SetMetadata("warden.score_output", CreditRiskTrainer.ScoreOutput)
            .SetMetadata("warden.label_output", CreditRiskTrainer.LabelOutput)
            .SetMetadata("warden.training_seed", seed.ToString(CultureInfo.InvariantCulture))
            .SetMetadata("warden.training_data_sha256", dataSha256);

    /// <summary>Lower-case hex SHA-256 of a file, as recorded in <c>warden.training_data_sha256</c>.</summary>
    public static string Sha256Of(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    // The converter names each output after its column, with a suffix (".output") it does not document.
    internal static string OutputFor(OnnxGraphEditor editor, string column)
    {
        var matches = editor.Outputs.Select(v => v.Name)
            .Where(n => n == column || n.StartsWith(column + ".", StringComparison.Ordinal))
            .ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new InvalidOperationException(
                $"Expected one ONNX output for column '{column}', found: {string.Join(", ", editor.Outputs.Select(v => v.Name))}.");
    }
}
