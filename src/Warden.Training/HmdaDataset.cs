using System.Globalization;
using Warden.Core.Data;

namespace Warden.Training;

/// <summary>
/// Reads <c>samples/data/hmda.csv</c> (R package AER, data set <c>HMDA</c>, written by <c>write.csv</c>): a header row,
/// then one quoted-or-bare value per column, read by <see cref="CsvTable"/>. <c>yes</c>/<c>no</c> become 1/0; <c>chist</c> and <c>mhist</c>, stored as
/// quoted factor levels, are read as numbers.
/// </summary>
public static class HmdaDataset
{
    /// <summary>The model inputs, in the order of the ONNX graph inputs. <c>afam</c> is deliberately absent.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];

    /// <summary>The label column; <c>yes</c> is the positive class.</summary>
    public const string LabelName = "deny";

    /// <summary>The sensitive attribute kept out of the inputs.</summary>
    public const string SensitiveAttribute = "afam";

    private static readonly string[] RequiredColumns = [LabelName, SensitiveAttribute, .. FeatureNames];

    /// <summary>Loads every application in file order.</summary>
    /// <exception cref="InvalidDataException">A column is missing or a value cannot be read; the message names the record.</exception>
    public static IReadOnlyList<HmdaApplication> Load(string path)
    {
        CsvTable table;
        try
        {
            table = CsvTable.Read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        var missing = RequiredColumns.Where(c => !table.HasColumn(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path}: missing column(s) {string.Join(", ", missing)}.");
        }

        var rows = new HmdaApplication[table.RowCount];
        for (var row = 0; row < rows.Length; row++)
        {
            // The header is record 1; this equals the line number unless a quoted value spans lines.
            var record = row + 2;
            float Number(string column) => ParseNumber(table.Column(column)[row], path, record, column);
            float YesNo(string column) => ParseYesNo(table.Column(column)[row], path, record, column);

            rows[row] = new HmdaApplication
            {
                Pirat = Number("pirat"),
                Hirat = Number("hirat"),
                Lvrat = Number("lvrat"),
                Chist = Number("chist"),
                Mhist = Number("mhist"),
                Phist = YesNo("phist"),
                Unemp = Number("unemp"),
                Selfemp = YesNo("selfemp"),
                Insurance = YesNo("insurance"),
                Condomin = YesNo("condomin"),
                Single = YesNo("single"),
                Hschool = YesNo("hschool"),
                Afam = YesNo("afam"),
                Deny = YesNo("deny") == 1f,
            };
        }

        return rows;
    }

    private static float ParseNumber(string text, string path, int line, string column) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
            ? value
            : throw new InvalidDataException($"{path}:{line}: column '{column}' is not a number: '{text}'.");

    private static float ParseYesNo(string text, string path, int line, string column) => text.Trim() switch
    {
        "yes" => 1f,
        "no" => 0f,
        _ => throw new InvalidDataException($"{path}:{line}: column '{column}' must be yes or no, found '{text}'."),
    };
}
