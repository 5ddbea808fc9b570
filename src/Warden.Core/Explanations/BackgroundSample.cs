using System.Globalization;
using Warden.Core.Data;

namespace Warden.Core.Explanations;

/// <summary>
/// A model version's background data set: a small, representative sample of training rows (50–200 is usual) that
/// Shapley explanations integrate absent features over and that out-of-distribution checks compare inputs with.
/// </summary>
public sealed class BackgroundSample
{
    private readonly Dictionary<string, double[]> _numbers;
    private readonly Dictionary<string, string> _textReason;
    private readonly Dictionary<string, string[]> _cells;

    private BackgroundSample(IReadOnlyList<string> names, Dictionary<string, double[]> numbers, Dictionary<string, string> textReason, Dictionary<string, string[]> cells, int rows)
    {
        ColumnNames = names;
        _numbers = numbers;
        _textReason = textReason;
        _cells = cells;
        RowCount = rows;
    }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>
    /// Parses CSV text with a header. A column whose every cell is a finite number (yes/no read as 1/0) is numeric; any
    /// other column is kept as text, for models with a STRING input of that name (a categorical feature).
    /// </summary>
    /// <exception cref="WardenException">400 for malformed CSV or an empty sample.</exception>
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

        var numbers = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var textReason = new Dictionary<string, string>(StringComparer.Ordinal);
        var cells = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var name in table.ColumnNames)
        {
            var text = table.Column(name);
            cells[name] = text;
            var values = new double[text.Length];
            string? reason = null;
            for (var r = 0; r < text.Length && reason is null; r++)
            {
                var cell = text[r].Trim();
                switch (cell.ToLowerInvariant())
                {
                    case "yes":
                        values[r] = 1;
                        break;
                    case "no":
                        values[r] = 0;
                        break;
                    default:
                        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                        {
                            values[r] = v;
                        }
                        else
                        {
                            reason = $"the background CSV has a non-numeric value '{text[r]}' in column '{name}', line {r + 2}";
                        }

                        break;
                }
            }

            if (reason is null)
            {
                numbers[name] = values;
            }
            else
            {
                textReason[name] = reason;
            }
        }

        return new BackgroundSample(table.ColumnNames, numbers, textReason, cells, table.RowCount);
    }

    /// <summary>True when the sample has a column of this name (numeric or text).</summary>
    public bool HasColumn(string name) => _cells.ContainsKey(name);

    /// <summary>True when the column holds a value that is not a number (a categorical column).</summary>
    public bool IsText(string name) => _textReason.ContainsKey(name);

    /// <summary>Values of one numeric column; 400 naming the first non-numeric cell for a text column.</summary>
    public double[] Column(string name) =>
        _numbers.TryGetValue(name, out var values) ? values
        : _textReason.TryGetValue(name, out var reason) ? throw WardenException.BadRequest(reason)
        : throw WardenException.BadRequest($"the background sample has no column '{name}'");

    /// <summary>The cells of one column as the CSV holds them, trimmed (for STRING inputs).</summary>
    public string[] Text(string name) =>
        _cells.TryGetValue(name, out var cells) ? cells.Select(c => c.Trim()).ToArray()
        : throw WardenException.BadRequest($"the background sample has no column '{name}'");

    /// <summary>Rows of numeric columns in the given order; throws 400 naming missing or non-numeric columns.</summary>
    public double[][] Rows(IReadOnlyList<string> features)
    {
        var missing = features.Where(f => !_cells.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            throw WardenException.BadRequest($"the background sample lacks columns for model inputs: {string.Join(", ", missing)}");
        }

        var columns = features.Select(Column).ToArray();
        var rows = new double[RowCount][];
        for (var r = 0; r < RowCount; r++)
        {
            rows[r] = new double[features.Count];
            for (var j = 0; j < features.Count; j++)
            {
                rows[r][j] = columns[j][r];
            }
        }

        return rows;
    }
}
