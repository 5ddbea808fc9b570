using System.Globalization;
using System.Text;

namespace Warden.Core.Data;

/// <summary>
/// A CSV file held column by column as strings (RFC 4180 quoting, comma separator, first line is the header unless read
/// with <see cref="ReadHeaderless"/>). Every CSV Warden reads goes through here, so quoted commas, doubled quotes and
/// line breaks inside quotes mean the same thing to every command.
/// Repeated values in low-cardinality columns share one string instance so a million-row categorical column costs little.
/// </summary>
public sealed class CsvTable
{
    private const int InternLimit = 4096;
    private readonly Dictionary<string, string[]> columns;

    private CsvTable(IReadOnlyList<string> names, Dictionary<string, string[]> columns, int rowCount)
    {
        ColumnNames = names;
        this.columns = columns;
        RowCount = rowCount;
    }

    /// <summary>Names of the columns held, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>Whether the table holds a column of this name.</summary>
    public bool HasColumn(string name) => columns.ContainsKey(name);

    /// <summary>The values of one column; throws <see cref="ArgumentException"/> naming the available columns when absent.</summary>
    public string[] Column(string name) =>
        columns.TryGetValue(name, out var values)
            ? values
            : throw new ArgumentException($"Column '{name}' not found; available: {string.Join(", ", ColumnNames)}", nameof(name));

    /// <summary>Builds a table from in-memory columns of equal length.</summary>
    public static CsvTable FromColumns(IReadOnlyDictionary<string, string[]> data)
    {
        var lengths = data.Values.Select(v => v.Length).Distinct().ToList();
        if (lengths.Count > 1)
        {
            throw new ArgumentException("All columns must have the same length.", nameof(data));
        }

        return new CsvTable(data.Keys.ToList(), data.ToDictionary(kv => kv.Key, kv => kv.Value), lengths.Count == 0 ? 0 : lengths[0]);
    }

    /// <summary>Reads a CSV file; when <paramref name="onlyColumns"/> is given, other columns are skipped.</summary>
    public static CsvTable Read(string path, IReadOnlyCollection<string>? onlyColumns = null)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Parse(reader, onlyColumns);
    }

    /// <summary>Reads a CSV file that has no header line; its columns are named by position: "1", "2", ….</summary>
    public static CsvTable ReadHeaderless(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Parse(reader, null, hasHeader: false);
    }

    /// <summary>Parses CSV text; when <paramref name="onlyColumns"/> is given, other columns are skipped.</summary>
    public static CsvTable Parse(TextReader reader, IReadOnlyCollection<string>? onlyColumns = null) => Parse(reader, onlyColumns, hasHeader: true);

    private static CsvTable Parse(TextReader reader, IReadOnlyCollection<string>? onlyColumns, bool hasHeader)
    {
        var fields = new List<string>();
        var builder = new StringBuilder();
        if (!ReadRecord(reader, fields, builder, null))
        {
            throw new InvalidDataException(hasHeader ? "CSV is empty: no header line." : "CSV is empty.");
        }

        var header = hasHeader ? fields.ToList() : Enumerable.Range(1, fields.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var wanted = onlyColumns is null ? Enumerable.Range(0, header.Count).ToArray()
            : onlyColumns.Distinct().Select(c =>
            {
                var i = header.IndexOf(c);
                return i >= 0 ? i : throw new ArgumentException($"Column '{c}' not found; available: {string.Join(", ", header)}", nameof(onlyColumns));
            }).ToArray();
        var lists = wanted.Select(_ => new List<string>()).ToArray();
        var interns = wanted.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        // Without a header the first record is already in `fields` and is data.
        var line = hasHeader ? 1 : 0;
        var firstIsData = !hasHeader;
        while (firstIsData || ReadRecord(reader, fields, builder, null))
        {
            firstIsData = false;
            line++;
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                throw new InvalidDataException($"CSV record {line} has {fields.Count} fields; the {(hasHeader ? "header" : "first record")} has {header.Count}.");
            }

            for (var k = 0; k < wanted.Length; k++)
            {
                lists[k].Add(Intern(interns[k], fields[wanted[k]]));
            }
        }

        var names = wanted.Select(i => header[i]).ToList();
        var dict = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var k = 0; k < wanted.Length; k++)
        {
            dict[names[k]] = lists[k].ToArray();
        }

        return new CsvTable(names, dict, lists.Length == 0 ? 0 : lists[0].Count);
    }

    private static string Intern(Dictionary<string, string> pool, string value)
    {
        if (pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (pool.Count < InternLimit)
        {
            pool[value] = value;
        }

        return value;
    }

    // Quoted fields may span lines, so a record is read line by line until its quotes balance.
    private static bool ReadRecord(TextReader reader, List<string> fields, StringBuilder builder, string? pending)
    {
        fields.Clear();
        var line = pending ?? reader.ReadLine();
        if (line is null)
        {
            return false;
        }

        if (line.IndexOf('"', StringComparison.Ordinal) < 0)
        {
            foreach (var part in line.Split(','))
            {
                fields.Add(part);
            }

            return true;
        }

        builder.Clear();
        var inQuotes = false;
        while (true)
        {
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes)
                {
                    if (c == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            builder.Append('"');
                            i++;
                        }
                        else
                        {
                            inQuotes = false;
                        }
                    }
                    else
                    {
                        builder.Append(c);
                    }
                }
                else if (c == '"')
                {
                    inQuotes = true;
                }
                else if (c == ',')
                {
                    fields.Add(builder.ToString());
                    builder.Clear();
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (!inQuotes)
            {
                fields.Add(builder.ToString());
                return true;
            }

            var next = reader.ReadLine() ?? throw new InvalidDataException("CSV ends inside a quoted field.");
            builder.Append('\n');
            line = next;
        }
    }
}
