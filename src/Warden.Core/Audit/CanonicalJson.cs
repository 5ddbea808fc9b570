using System.Text;
using System.Text.Json;

namespace Warden.Core.Audit;

/// <summary>
/// Canonical JSON for hashing: object keys sorted by ordinal order, no insignificant whitespace, numbers as written by
/// System.Text.Json. Two semantically equal documents produce the same bytes.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Canonical text of any serialisable value.</summary>
    public static string Serialize(object? value)
    {
        using var document = JsonSerializer.SerializeToDocument(value);
        return Serialize(document.RootElement);
    }

    /// <summary>Canonical text of a JSON element.</summary>
    public static string Serialize(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, element);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
