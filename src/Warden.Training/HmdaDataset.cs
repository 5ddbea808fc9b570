using System.Globalization;

namespace Warden.Training;

/// <summary>
/// Reads <c>samples/data/hmda.csv</c> (R package AER, data set <c>HMDA</c>, written by <c>write.csv</c>): a header row,
/// then one quoted-or-bare value per column. <c>yes</c>/<c>no</c> become 1/0; <c>chist</c> and <c>mhist</c>, stored as
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
    /// <exception cref="InvalidDataException">A column is missing or a value cannot be read; the message names the line.</exception>
    public static IReadOnlyList<HmdaApplication> Load(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path}: the file is empty.");
        var columns = Split(header);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length; i++)
        {
            index[columns[i]] = i;
        }

        var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path}: missing column(s) {string.Join(", ", missing)}.");
        }

        var rows = new List<HmdaApplication>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var values = Split(line);
            if (values.Length != columns.Length)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected {columns.Length} values, found {values.Length}.");
            }

            float Number(string column) => ParseNumber(values[index[column]], path, lineNumber, column);
            float YesNo(string column) => ParseYesNo(values[index[column]], path, lineNumber, column);

            rows.Add(new HmdaApplication
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
            });
        }

        return rows;
    }

    private static string[] Split(string line) =>
        line.Split(',').Select(v => v.Trim().Trim('"')).ToArray();

    private static float ParseNumber(string text, string path, int line, string column) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
            ? value
            : throw new InvalidDataException($"{path}:{line}: column '{column}' is not a number: '{text}'.");

    private static float ParseYesNo(string text, string path, int line, string column) => text switch
    {
        "yes" => 1f,
        "no" => 0f,
        _ => throw new InvalidDataException($"{path}:{line}: column '{column}' must be yes or no, found '{text}'."),
    };
}
