namespace Warden.Training.Tabular;

/// <summary>
/// The feature encoding fitted on the training rows: numeric and boolean columns as one number each (a missing value
/// becomes the training mean), categorical columns one-hot over the training values (an unseen value is all zeros).
/// </summary>
public sealed class TabularEncoder
{
    private readonly Dictionary<string, Dictionary<string, int>> categoryIndex;

    private TabularEncoder(IReadOnlyList<TabularColumn> columns)
    {
        Columns = columns;
        Width = columns.Sum(c => c.Width);
        categoryIndex = columns.Where(c => c.Kind == TabularColumnKind.Categorical)
            .ToDictionary(c => c.Name, c => c.Categories.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The model inputs in order.</summary>
    public IReadOnlyList<TabularColumn> Columns { get; }

    /// <summary>Length of an encoded row.</summary>
    public int Width { get; }

    /// <summary>Fits categories and means on <paramref name="train"/>.</summary>
    public static TabularEncoder Fit(TabularTable train) => new(train.FeatureNames.Select(name =>
    {
        var values = train.Values[name];
        var kind = train.Kinds[name];
        var missing = values.Count(TabularTable.IsMissing);
        if (kind == TabularColumnKind.Categorical)
        {
            // Ordinal order, so the one-hot layout depends on the values only, not on their order in the file.
            return new TabularColumn(name, kind, values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), missing, double.NaN);
        }

        var present = values.Where(v => !TabularTable.IsMissing(v)).Select(v => (double)Number(kind, v)).ToArray();
        return new TabularColumn(name, kind, [], missing, present.Length == 0 ? 0 : present.Average());
    }).ToList());

    /// <summary>The value ML.NET and the ONNX graph receive for a numeric or boolean column: NaN when missing.</summary>
    public static float Number(TabularColumnKind kind, string value) =>
        TabularTable.IsMissing(value) ? float.NaN
        : kind == TabularColumnKind.Boolean ? TabularTable.BooleanValue(value)
        : TabularTable.TryNumber(value, out var v) ? v : float.NaN;

    /// <summary>Encodes row <paramref name="row"/> of <paramref name="table"/>.</summary>
    public float[] Encode(TabularTable table, int row)
    {
        var x = new float[Width];
        var offset = 0;
        foreach (var c in Columns)
        {
            var raw = table.Values[c.Name][row];
            if (c.Kind == TabularColumnKind.Categorical)
            {
                if (categoryIndex[c.Name].TryGetValue(raw, out var k))
                {
                    x[offset + k] = 1f;
                }
            }
            else
            {
                var v = Number(c.Kind, raw);
                x[offset] = float.IsNaN(v) ? (float)c.Mean : v;
            }

            offset += c.Width;
        }

        return x;
    }

    /// <summary>Encodes every row.</summary>
    public float[][] Encode(TabularTable table) => Enumerable.Range(0, table.RowCount).Select(i => Encode(table, i)).ToArray();

    /// <summary>Names of the encoded positions (<c>column</c>, or <c>column=value</c> for a one-hot position).</summary>
    public IReadOnlyList<string> EncodedNames() =>
        Columns.SelectMany(c => c.Kind == TabularColumnKind.Categorical ? c.Categories.Select(v => c.Name + "=" + v) : [c.Name]).ToList();
}
