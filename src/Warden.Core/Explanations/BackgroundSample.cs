using System.Globalization;
using Warden.Core.Data;

namespace Warden.Core.Explanations;

/// <summary>
/// A model version's background data set: a small, representative sample of training rows (50–200 is usual) that
/// Shapley explanations integrate absent features over and that out-of-distribution checks compare inputs with.
/// </summary>
public sealed class BackgroundSample
{
    private readonly Dictionary<string, double[]> _columns;

    private BackgroundSample(IReadOnlyList<string> names, Dictionary<string, double[]> columns, int rows)
    {
        ColumnNames = names;
        _columns = columns;
        RowCount = rows;
    }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Parses CSV text with a header; every cell must be a finite number (yes/no read as 1/0).</summary>
    /// <exception cref="WardenException">400 naming the first bad cell, or an empty sample.</exception>
    public static BackgroundSample Parse(string csv)
    {
        CsvTable table;
        try
        {
            table = CsvTable.Parse(new StringReader(csv));
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or FormatException)
        {
            throw WardenException.BadRequest("the background CSV is malformed: " + ex.Message);
        }

        if (table.RowCount == 0 || table.ColumnNames.Count == 0)
        {
            throw WardenException.BadRequest("the background CSV has no data rows");
        }

        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in table.ColumnNames)
        {
            var text = table.Column(name);
            var values = new double[text.Length];
            for (var r = 0; r < text.Length; r++)
            {
                var cell = text[r].Trim();
                values[r] = cell.ToLowerInvariant() switch
                {
                    "yes" => 1,
                    "no" => 0,
                    _ => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                        ? v
                        : throw WardenException.BadRequest($"the background CSV has a non-numeric value '{text[r]}' in column '{name}', line {r + 2}"),
                };
            }

            columns[name] = values;
        }

        return new BackgroundSample(table.ColumnNames, columns, table.RowCount);
    }

    /// <summary>True when the sample has a column of this name.</summary>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Values of one column.</summary>
    public double[] Column(string name) =>
        _columns.TryGetValue(name, out var values) ? values : throw WardenException.BadRequest($"the background sample has no column '{name}'");

    /// <summary>Rows with the given columns in the given order; throws 400 naming the missing columns.</summary>
    public double[][] Rows(IReadOnlyList<string> features)
    {
        var missing = features.Where(f => !_columns.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw WardenException.BadRequest($"the background sample lacks columns for model inputs: {string.Join(", ", missing)}");
        }

        var rows = new double[RowCount][];
        for (var r = 0; r < RowCount; r++)
        {
            rows[r] = new double[features.Count];
            for (var j = 0; j < features.Count; j++)
            {
                rows[r][j] = _columns[features[j]][r];
            }
        }

        return rows;
    }
}
