using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>
/// Reads and writes <see cref="TensorData"/> as the protocol's <c>data</c> array. Reading flattens nested arrays (the
/// protocol allows them) and keeps the narrowest kind that holds every value: bool, long, double or string.
/// </summary>
public sealed class TensorDataJsonConverter : JsonConverter<TensorData>
{
    /// <inheritdoc />
    public override TensorData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"tensor data must be an array, not {reader.TokenType}");
        }

        var bools = new List<bool>();
        var longs = new List<long>();
        var doubles = new List<double>();
        var strings = new List<string>();
        var kind = JsonTokenType.None;
        var integral = true;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    continue;
                case JsonTokenType.EndArray when depth == 0:
                    return Build(kind, integral, bools, longs, doubles, strings);
                case JsonTokenType.EndArray:
                    depth--;
                    continue;
                case JsonTokenType.True or JsonTokenType.False:
                    Expect(ref kind, JsonTokenType.True);
                    bools.Add(reader.TokenType == JsonTokenType.True);
                    break;
                case JsonTokenType.Number:
                    Expect(ref kind, JsonTokenType.Number);
                    var number = reader.GetDouble();
                    doubles.Add(number);
                    if (integral && reader.TryGetInt64(out var whole))
                    {
                        longs.Add(whole);
                    }
                    else
                    {
                        integral = false;
                    }

                    break;
                case JsonTokenType.String:
                    Expect(ref kind, JsonTokenType.String);
                    strings.Add(reader.GetString()!);
                    break;
                default:
                    throw new JsonException($"tensor data cannot hold {reader.TokenType}");
            }
        }

        throw new JsonException("tensor data ends before its array closes");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TensorData value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        switch (value.Values)
        {
            case float[] f:
                foreach (var v in f)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case double[] d:
                foreach (var v in d)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case long[] l:
                foreach (var v in l)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case int[] i:
                foreach (var v in i)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case bool[] b:
                foreach (var v in b)
                {
                    writer.WriteBooleanValue(v);
                }

                break;
            case string[] s:
                foreach (var v in s)
                {
                    writer.WriteStringValue(v);
                }

                break;
        }

        writer.WriteEndArray();
    }

    private static void Expect(ref JsonTokenType kind, JsonTokenType found)
    {
        if (kind == JsonTokenType.None)
        {
            kind = found;
        }
        else if (kind != found)
        {
            throw new JsonException("tensor data mixes numbers, booleans and strings");
        }
    }

    private static TensorData Build(JsonTokenType kind, bool integral, List<bool> bools, List<long> longs, List<double> doubles, List<string> strings) => kind switch
    {
        JsonTokenType.True => bools.ToArray(),
        JsonTokenType.String => strings.ToArray(),
        JsonTokenType.Number when integral => longs.ToArray(),
        JsonTokenType.Number => doubles.ToArray(),
        _ => TensorData.Empty,
    };
}
