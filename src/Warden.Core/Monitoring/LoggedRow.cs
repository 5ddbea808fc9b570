using System.Globalization;
using System.Text.Json;

namespace Warden.Core.Monitoring;

/// <summary>
/// The first row of a logged prediction's tensors, read back from the stored JSON (<c>[{"name","datatype","shape","data"}]</c>).
/// Labels attach to a prediction id, so monitoring reads single-row predictions; <see cref="Rows"/> tells batch size.
/// </summary>
public sealed class LoggedRow
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    private LoggedRow(int rows) => Rows = rows;

    /// <summary>Rows in the logged batch (first dimension of the first tensor).</summary>
    public int Rows { get; }

    /// <summary>Tensor names present.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parses a stored tensor array, keeping element 0 of every tensor.</summary>
    public static LoggedRow Parse(string tensorsJson)
    {
        using var document = JsonDocument.Parse(tensorsJson);
        var rows = 1;
        var first = true;
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var tensor in document.RootElement.EnumerateArray())
        {
            if (first && tensor.TryGetProperty("shape", out var shape) && shape.GetArrayLength() > 0)
            {
                rows = (int)Math.Min(int.MaxValue, shape[0].GetInt64());
                first = false;
            }

            if (tensor.TryGetProperty("name", out var name) && tensor.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0)
            {
                values[name.GetString()!] = data[0].Clone();
            }
        }

        var result = new LoggedRow(rows);
        foreach (var (k, v) in values)
        {
            result._values[k] = v;
        }

        return result;
    }

    /// <summary>Element 0 of <paramref name="name"/> as a number (booleans 1/0, numeric strings parsed); NaN when absent.</summary>
    public double Number(string name)
    {
        if (!_values.TryGetValue(name, out var v))
        {
            return double.NaN;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => double.NaN,
        };
    }

    /// <summary>Element 0 of <paramref name="name"/> as text; null when absent.</summary>
    public string? Text(string name) =>
        !_values.TryGetValue(name, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.GetRawText();

    /// <summary>True when the tensor is present.</summary>
    public bool Has(string name) => _values.ContainsKey(name);
}
