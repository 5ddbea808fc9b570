using System.Text.Json;

namespace Warden.WebConsole.Review;

/// <summary>Turns the stored V2 tensor list (<c>[{name, datatype, shape, data}]</c>) into name/value rows a reviewer can read.</summary>
public static class TensorRows
{
    private const int MaxValues = 16;

    public static IReadOnlyList<(string Name, string Value)> Parse(string json)
    {
        var rows = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [("(raw)", json)];
            }

            foreach (var tensor in document.RootElement.EnumerateArray())
            {
                var name = tensor.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
                var values = tensor.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                    ? data.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText()).ToList()
                    : [];
                var text = string.Join(", ", values.Take(MaxValues)) + (values.Count > MaxValues ? $", … ({values.Count} values)" : "");
                rows.Add((name, text));
            }
        }
        catch (JsonException)
        {
            rows.Add(("(raw)", json));
        }

        return rows;
    }
}
