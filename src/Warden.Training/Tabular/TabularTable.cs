using System.Globalization;
using Warden.Core.Data;
using Warden.Core.Fairness;

namespace Warden.Training.Tabular;

/// <summary>
/// The rows of a CSV checked against a <see cref="TabularSpec"/>: the raw feature values column by column, the binary label
/// and the sensitive columns. Every problem is an <see cref="InvalidDataException"/> with a one-line message naming it.
/// </summary>
public sealed class TabularTable
{
    private TabularTable(IReadOnlyList<string> features, IReadOnlyDictionary<string, TabularColumnKind> kinds,
        IReadOnlyDictionary<string, string[]> values, bool[] labels, IReadOnlyDictionary<string, string[]> sensitive, int droppedRows)
    {
        FeatureNames = features;
        Kinds = kinds;
        Values = values;
        Labels = labels;
        Sensitive = sensitive;
        DroppedRows = droppedRows;
    }

    /// <summary>Feature columns in CSV order: the ONNX inputs.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>How each feature is encoded.</summary>
    public IReadOnlyDictionary<string, TabularColumnKind> Kinds { get; }

    /// <summary>Raw values per feature column.</summary>
    public IReadOnlyDictionary<string, string[]> Values { get; }

    /// <summary>Label per row: true for the positive class.</summary>
    public bool[] Labels { get; }

    /// <summary>Raw values per sensitive column.</summary>
    public IReadOnlyDictionary<string, string[]> Sensitive { get; }

    /// <summary>Rows of the file left out because the label was missing.</summary>
    public int DroppedRows { get; }

    /// <summary>Example weight per row for training; null when every row weighs 1.</summary>
    public float[]? Weights { get; private init; }

    /// <summary>Number of rows.</summary>
    public int RowCount => Labels.Length;

    /// <summary>Whether a value counts as missing, as <c>warden data profile</c> counts it (empty, NA, N/A, NaN, null, ?).</summary>
    public static bool IsMissing(string value) => DataProfiler.IsMissing(value);

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    public static TabularTable Load(string path, TabularSpec spec)
    {
        CsvTable csv;
        try
        {
            csv = CsvTable.Read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {ex.Message}", ex);
        }

        return From(csv, spec, null, Path.GetFileName(path));
    }

    /// <summary>Reads a test file with the columns and encodings of <paramref name="train"/>.</summary>
    public static TabularTable LoadLike(string path, TabularSpec spec, TabularTable train)
    {
        CsvTable csv;
        try
        {
            csv = CsvTable.Read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: {ex.Message}", ex);
        }

        return From(csv, spec, train, Path.GetFileName(path));
    }

    /// <summary>Checks an in-memory table against <paramref name="spec"/>; with <paramref name="like"/>, keeps its features and encodings.</summary>
    public static TabularTable From(CsvTable csv, TabularSpec spec, TabularTable? like = null, string source = "data")
    {
        if (csv.RowCount == 0)
        {
            throw new InvalidDataException($"{source}: no data rows after the header.");
        }

        var columns = csv.ColumnNames;
        void Known(string column, string role)
        {
            if (!csv.HasColumn(column))
            {
                throw new InvalidDataException($"{source}: unknown {role} column '{column}'; columns: {string.Join(", ", columns)}.");
            }
        }

        Known(spec.Label, "label");
        foreach (var c in spec.Sensitive)
        {
            Known(c, "sensitive");
        }

        foreach (var c in spec.Exclude)
        {
            Known(c, "excluded");
        }

        foreach (var c in spec.Categorical)
        {
            Known(c, "categorical");
        }

        foreach (var c in spec.Features ?? [])
        {
            Known(c, "feature");
        }

        var (labels, keep) = ParseLabel(csv.Column(spec.Label), spec, source);
        if (keep.Length == 0)
        {
            throw new InvalidDataException($"{source}: every row lacks the label '{spec.Label}'.");
        }

        string[] Kept(string column)
        {
            var all = csv.Column(column);
            return keep.Length == all.Length ? all : keep.Select(i => all[i]).ToArray();
        }

        var sensitive = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var c in spec.Sensitive)
        {
            var values = Kept(c).Select(v => v.Trim()).ToArray();
            var distinct = values.Where(v => !IsMissing(v)).Distinct(StringComparer.Ordinal).Count();
            if (like is null && distinct < 2)
            {
                throw new InvalidDataException($"{source}: sensitive column '{c}' has {distinct} distinct value(s); groups need at least two.");
            }

            sensitive[c] = values;
        }

        IReadOnlyList<string> features;
        if (like is not null)
        {
            features = like.FeatureNames;
            foreach (var c in features)
            {
                Known(c, "feature");
            }
        }
        else
        {
            var chosen = spec.Features ?? columns.Where(c => c != spec.Label && (spec.SensitiveAsFeature || !spec.Sensitive.Contains(c))).ToList();
            features = columns.Where(c => chosen.Contains(c) && !spec.Exclude.Contains(c)).ToList();
            if (features.Contains(spec.Label))
            {
                throw new InvalidDataException($"{source}: the label '{spec.Label}' cannot also be a feature.");
            }

            var sensitiveInputs = features.Where(spec.Sensitive.Contains).ToList();
            if (sensitiveInputs.Count > 0 && !spec.SensitiveAsFeature)
            {
                throw new InvalidDataException(
                    $"{source}: sensitive column(s) {string.Join(", ", sensitiveInputs)} listed as features; add --sensitive-as-feature to feed them to the model.");
            }

            if (features.Count == 0)
            {
                throw new InvalidDataException($"{source}: no feature columns left.");
            }
        }

        var values2 = features.ToDictionary(c => c, c => Kept(c).Select(v => v.Trim()).ToArray(), StringComparer.Ordinal);
        var kinds = like?.Kinds ?? features.ToDictionary(c => c, c => Infer(values2[c], spec.Categorical.Contains(c)), StringComparer.Ordinal);
        if (like is not null)
        {
            foreach (var c in features.Where(c => kinds[c] is TabularColumnKind.Numeric))
            {
                var bad = values2[c].FirstOrDefault(v => !IsMissing(v) && !TryNumber(v, out _));
                if (bad is not null)
                {
                    throw new InvalidDataException($"{source}: numeric column '{c}' holds '{bad}'.");
                }
            }
        }

        return new TabularTable(features, kinds, values2, labels, sensitive, csv.RowCount - keep.Length);
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public TabularTable Rows(IReadOnlyList<int> indices) => new(
        FeatureNames,
        Kinds,
        Values.ToDictionary(kv => kv.Key, kv => indices.Select(i => kv.Value[i]).ToArray(), StringComparer.Ordinal),
        indices.Select(i => Labels[i]).ToArray(),
        Sensitive.ToDictionary(kv => kv.Key, kv => indices.Select(i => kv.Value[i]).ToArray(), StringComparer.Ordinal),
        0)
    {
        Weights = Weights is null ? null : indices.Select(i => Weights[i]).ToArray(),
    };

    /// <summary>
    /// These rows followed by <paramref name="rows"/> (feature values as text, label, sensitive values; a missing one is empty),
    /// each appended row with example weight <paramref name="weight"/> (these rows keep theirs; 1 when unweighted).
    /// </summary>
    internal TabularTable Append(IReadOnlyList<(IReadOnlyDictionary<string, string> Values, bool Label, IReadOnlyDictionary<string, string> Sensitive)> rows, float weight = 1) =>
        rows.Count == 0 ? this : new(
            FeatureNames,
            Kinds,
            Values.ToDictionary(kv => kv.Key, kv => kv.Value.Concat(rows.Select(r => r.Values.GetValueOrDefault(kv.Key) ?? "")).ToArray(), StringComparer.Ordinal),
            [.. Labels, .. rows.Select(r => r.Label)],
            Sensitive.ToDictionary(kv => kv.Key, kv => kv.Value.Concat(rows.Select(r => r.Sensitive.GetValueOrDefault(kv.Key) ?? "")).ToArray(), StringComparer.Ordinal),
            DroppedRows)
        {
            Weights = Weights is null && weight == 1 ? null : [.. Weights ?? Enumerable.Repeat(1f, RowCount), .. Enumerable.Repeat(weight, rows.Count)],
        };

    /// <summary>Parses a number the invariant way.</summary>
    public static bool TryNumber(string text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    /// <summary>1 for yes/true, 0 for no/false (any case).</summary>
    public static float BooleanValue(string text) =>
        text.Equals("yes", StringComparison.OrdinalIgnoreCase) || text.Equals("true", StringComparison.OrdinalIgnoreCase) ? 1f : 0f;

    private static TabularColumnKind Infer(string[] values, bool categorical)
    {
        if (categorical)
        {
            return TabularColumnKind.Categorical;
        }

        var present = values.Where(v => !IsMissing(v)).ToArray();
        if (present.Length > 0 && present.All(v => TryNumber(v, out _)))
        {
            return TabularColumnKind.Numeric;
        }

        var lower = present.Select(v => v.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();
        return lower.SequenceEqual(["no", "yes"]) || lower.SequenceEqual(["false", "true"])
            ? TabularColumnKind.Boolean
            : TabularColumnKind.Categorical;
    }

    private static (bool[] Labels, int[] Keep) ParseLabel(string[] raw, TabularSpec spec, string source)
    {
        var keep = Enumerable.Range(0, raw.Length).Where(i => !IsMissing(raw[i])).ToArray();
        var values = keep.Select(i => raw[i].Trim()).ToArray();
        var cut = spec.Positive.TrimStart();
        if (cut.StartsWith('>') || cut.StartsWith('<'))
        {
            var op = cut.StartsWith(">=", StringComparison.Ordinal) || cut.StartsWith("<=", StringComparison.Ordinal) ? cut[..2] : cut[..1];
            if (!TryNumber(cut[op.Length..].Trim(), out var threshold))
            {
                throw new InvalidDataException($"{source}: --positive '{spec.Positive}' is not a numeric cut such as >7.5.");
            }

            var labels = new bool[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                if (!TryNumber(values[i], out var v))
                {
                    throw new InvalidDataException($"{source}: label '{spec.Label}' holds '{values[i]}', not a number for the cut {spec.Positive}.");
                }

                labels[i] = op switch { ">" => v > threshold, ">=" => v >= threshold, "<" => v < threshold, _ => v <= threshold };
            }

            return labels.Distinct().Count() < 2
                ? throw new InvalidDataException($"{source}: the cut {spec.Positive} puts every row of '{spec.Label}' in one class.")
                : (labels, keep);
        }

        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length > 2)
        {
            throw new InvalidDataException(
                $"{source}: label '{spec.Label}' has {distinct.Length} values ({string.Join(", ", distinct.Take(5))}{(distinct.Length > 5 ? ", …" : "")}); a binary trainer needs two, or a numeric cut such as --positive '>7.5'.");
        }

        if (!distinct.Contains(spec.Positive))
        {
            throw new InvalidDataException($"{source}: positive value '{spec.Positive}' does not occur in label '{spec.Label}' (values: {string.Join(", ", distinct)}).");
        }

        if (distinct.Length < 2)
        {
            throw new InvalidDataException($"{source}: label '{spec.Label}' has only the value '{spec.Positive}'; a binary trainer needs two.");
        }

        return (values.Select(v => v == spec.Positive).ToArray(), keep);
    }
}
