using Warden.Core.Data;
using System.Globalization;

namespace Warden.Core.Drift;

/// <summary>An ordered set of equally long named columns: a reference or current data set.</summary>
public sealed class ColumnSet
{
    private readonly List<FeatureColumn> _columns = [];
    private readonly Dictionary<string, FeatureColumn> _byName = new(StringComparer.Ordinal);

    /// <summary>Columns in insertion order.</summary>
    public IReadOnlyList<FeatureColumn> Columns => _columns;

    /// <summary>Number of rows (0 when empty).</summary>
    public int RowCount => _columns.Count == 0 ? 0 : _columns[0].Length;

    /// <summary>Adds a column; all columns must have the same length and distinct names.</summary>
    public ColumnSet Add(FeatureColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (_columns.Count > 0 && column.Length != RowCount)
        {
            throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows; expected {RowCount}.");
        }

        if (!_byName.TryAdd(column.Name, column))
        {
            throw new ArgumentException($"Duplicate column '{column.Name}'.");
        }

        _columns.Add(column);
        return this;
    }

    /// <summary>Adds a numerical column.</summary>
    public ColumnSet Add(string name, double[] values) => Add(FeatureColumn.Numerical(name, values));

    /// <summary>Adds a categorical column.</summary>
    public ColumnSet Add(string name, string?[] values) => Add(FeatureColumn.Categorical(name, values));

    /// <summary>Finds a column by name.</summary>
    public FeatureColumn? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Reads a CSV file; see <see cref="FromCsv(TextReader, IEnumerable{string}?)"/>.</summary>
    public static ColumnSet FromCsv(string path, IEnumerable<string>? categorical = null)
    {
        using var reader = new StreamReader(path);
        return FromCsv(reader, categorical);
    }

    /// <summary>
    /// Reads RFC 4180 CSV with a header row. A column is numerical when every non-missing cell parses as an invariant
    /// culture number, otherwise categorical; names in <paramref name="categorical"/> are always categorical.
    /// Empty cells and NA, NaN, null (any case) are missing.
    /// </summary>
    public static ColumnSet FromCsv(TextReader reader, IEnumerable<string>? categorical = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var forced = new HashSet<string>(categorical ?? [], StringComparer.Ordinal);
        CsvTable table;
        try
        {
            table = CsvTable.Parse(reader);
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        var header = table.ColumnNames.ToArray();
        var cells = new List<string?>[header.Length];
        for (int c = 0; c < header.Length; c++)
        {
            cells[c] = table.Column(header[c]).Select(v => IsMissing(v) ? null : v).ToList();
        }

        var set = new ColumnSet();
        for (int c = 0; c < header.Length; c++)
        {
            var values = cells[c];
            if (!forced.Contains(header[c]) && TryParseAll(values, out double[] numbers))
            {
                set.Add(header[c], numbers);
            }
            else
            {
                set.Add(header[c], values.ToArray());
            }
        }

        return set;
    }

    private static bool IsMissing(string cell) =>
        cell.Length == 0 || cell.Equals("NA", StringComparison.OrdinalIgnoreCase)
        || cell.Equals("NaN", StringComparison.OrdinalIgnoreCase) || cell.Equals("null", StringComparison.OrdinalIgnoreCase);

    private static bool TryParseAll(List<string?> values, out double[] numbers)
    {
        numbers = new double[values.Count];
        bool any = false;
        for (int r = 0; r < values.Count; r++)
        {
            string? v = values[r];
            if (v is null)
            {
                numbers[r] = double.NaN;
                continue;
            }

            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[r]))
            {
                return false;
            }

            any = true;
        }

        return any;
    }
}
