using System.Text.Json;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// Reads the JSON body of a V2 inference request into a <see cref="RawInferenceRequest"/>, rejecting anything that is not
/// the protocol's shape with a message that says what is wrong.
/// </summary>
public static class InferenceRequestReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, AllowTrailingCommas = false };

    /// <summary>Parses <paramref name="body"/>; throws <see cref="WardenException"/> (400) on malformed input.</summary>
    public static RawInferenceRequest Read(ReadOnlyMemory<byte> body) => Read(body, null);

    /// <summary>
    /// Parses a request that may use the binary tensor data extension: with <paramref name="headerLength"/> (the
    /// <c>Inference-Header-Content-Length</c> header) the first that many bytes are the JSON header and the rest holds the
    /// data of the inputs that declare <c>parameters.binary_data_size</c>, back to back in input order. The returned
    /// request refers to <paramref name="body"/>, which must outlive it.
    /// </summary>
    public static RawInferenceRequest Read(ReadOnlyMemory<byte> body, long? headerLength)
    {
        if (body.IsEmpty)
        {
            throw WardenException.BadRequest("request body is empty; expected a JSON object with \"inputs\"");
        }

        var binary = ReadOnlyMemory<byte>.Empty;
        if (headerLength is { } length)
        {
            if (length <= 0 || length > body.Length)
            {
                throw WardenException.BadRequest(
                    $"Inference-Header-Content-Length is {length} but must be between 1 and the body's length ({body.Length})");
            }

            binary = body[(int)length..];
            body = body[..(int)length];
        }

        try
        {
            var reader = new Utf8JsonReader(body.Span, ReaderOptions);
            var request = ReadRequest(ref reader, body, headerLength is null ? (ReadOnlyMemory<byte>?)null : binary);
            // A second value after the object, or anything but whitespace, is not one JSON document.
            reader.Read();
            return request;
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"malformed JSON: {Trim(ex.Message)}");
        }
        catch (WardenException) when (SyntaxError(body.Span) is { } syntax)
        {
            // The reader refuses content as it goes; a syntax error further on is still the first thing to report.
            throw WardenException.BadRequest($"malformed JSON: {syntax}");
        }
    }

    private static string? SyntaxError(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException ex)
        {
            return Trim(ex.Message);
        }
    }

    private static RawInferenceRequest ReadRequest(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte>? binary)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw WardenException.BadRequest($"request body must be a JSON object, not {Describe(reader.TokenType)}");
        }

        string? id = null;
        Dictionary<string, JsonElement>? parameters = null;
        List<RawInput>? inputs = null;
        List<string>? outputs = null;
        Dictionary<string, bool>? binaryOutputs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.ValueTextEquals("inputs"u8) ? Field.Inputs
                : reader.ValueTextEquals("id"u8) ? Field.Id
                : reader.ValueTextEquals("parameters"u8) ? Field.Parameters
                : reader.ValueTextEquals("outputs"u8) ? Field.Outputs
                : Field.Other;
            reader.Read();

            // The protocol's optional fields may be sent as null (generated clients do): null means absent.
            if (reader.TokenType == JsonTokenType.Null && field is Field.Id or Field.Parameters or Field.Outputs)
            {
                continue;
            }

            switch (field)
            {
                case Field.Id:
                    id = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw WardenException.BadRequest("\"id\" must be a string");
                    break;
                case Field.Parameters:
                    parameters = ReadParameters(JsonElement.ParseValue(ref reader), "parameters");
                    break;
                case Field.Inputs:
                    inputs = ReadInputs(ref reader, body, binary);
                    break;
                case Field.Outputs:
                    (outputs, binaryOutputs) = ReadOutputs(JsonElement.ParseValue(ref reader));
                    break;
                default:
                    // The protocol allows extensions; unknown top-level fields are ignored as KServe does.
                    reader.Skip();
                    break;
            }
        }

        if (inputs is null)
        {
            throw WardenException.BadRequest("request has no \"inputs\" array");
        }

        if (inputs.Count == 0)
        {
            throw WardenException.BadRequest("\"inputs\" is empty; the model needs at least one input");
        }

        return new RawInferenceRequest(id, parameters, inputs, outputs) { BinaryOutputs = binaryOutputs };
    }

    private static List<RawInput> ReadInputs(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte>? binary)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WardenException.BadRequest($"\"inputs\" must be an array, not {Describe(reader.TokenType)}");
        }

        // Room for a typical tabular request's inputs at once, rather than growing through 4 and 8.
        var inputs = new List<RawInput>(16);
        var index = 0;
        var offset = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            inputs.Add(ReadInput(ref reader, body, index++, binary, ref offset));
        }

        if (binary is { } section && offset != section.Length)
        {
            throw WardenException.BadRequest(
                $"the body has {section.Length} bytes of binary data after the JSON header but the inputs' binary_data_size add up to {offset}");
        }

        return inputs;
    }

    private static RawInput ReadInput(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, int index, ReadOnlyMemory<byte>? binary, ref int offset)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw WardenException.BadRequest($"inputs[{index}] must be an object, not {Describe(reader.TokenType)}");
        }

        string? name = null;
        string? datatype = null;
        long[]? shape = null;
        var hasData = false;
        Array? values = null;
        ReadOnlyMemory<byte>? json = null;
        Dictionary<string, JsonElement>? parameters = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String
                    ? InputNameStrings.Get(ref reader)
                    : throw WardenException.BadRequest($"inputs[{index}].name must be a string");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                reader.Read();
                datatype = reader.TokenType == JsonTokenType.String
                    ? KnownDatatype(ref reader) ?? reader.GetString()
                    : throw WardenException.BadRequest($"inputs[{index}].datatype must be a string");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                reader.Read();
                shape = ReadShape(ref reader, body.Span, index);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                hasData = true;
                (values, json) = ReadData(ref reader, body, datatype, shape);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    parameters = ReadParameters(JsonElement.ParseValue(ref reader), $"inputs[{index}].parameters");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            throw WardenException.BadRequest($"inputs[{index}] has no \"name\"");
        }

        if (datatype is null)
        {
            throw WardenException.BadRequest($"input '{name}' has no \"datatype\"");
        }

        if (shape is null)
        {
            throw WardenException.BadRequest($"input '{name}' has no \"shape\"");
        }

        if (parameters is not null && parameters.TryGetValue("binary_data_size", out var size))
        {
            return new RawInput(name, shape, datatype, parameters) { Binary = Slice($"input '{name}'", size, hasData, binary, ref offset) };
        }

        if (!hasData)
        {
            throw WardenException.BadRequest($"input '{name}' has no \"data\"");
        }

        return new RawInput(name, shape, datatype, parameters) { Values = values, Json = json };
    }

    /// <summary>
    /// Reads the <c>data</c> value straight into an array of the declared datatype when the input named its datatype and
    /// shape first (clients do) and every value fits; otherwise keeps its JSON text for the binder, which reports what is
    /// wrong only after checking the input against the model.
    /// </summary>
    private static (Array? Values, ReadOnlyMemory<byte>? Json) ReadData(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, string? datatype, long[]? shape)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.StartArray && shape is not null && TensorDatatypes.TryParse(datatype, out var type)
            && InputBinder.ElementCount(shape) is var count and <= InputBinder.MaxElements)
        {
            var read = JsonTensorData.Read(ref reader, body.Span, "", type, (int)count);
            if (read.IsComplete(count))
            {
                return (read.Values, null);
            }
        }
        else
        {
            reader.Skip();
        }

        return (null, body[start..(int)reader.BytesConsumed]);
    }

    // The protocol's datatype names as shared strings: a request names one per input, and most name the same few.
    private static readonly (byte[] Utf8, string Name)[] Datatypes =
        [.. new[] { "FP32", "FP64", "INT64", "INT32", "BOOL", "BYTES", "FP16", "INT8", "INT16", "UINT8", "UINT16", "UINT32", "UINT64", "BF16" }
            .Select(name => (System.Text.Encoding.UTF8.GetBytes(name), name))];

    private static string? KnownDatatype(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, name) in Datatypes)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return name;
            }
        }

        return null;
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, int index)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WardenException.BadRequest($"inputs[{index}].shape must be an array of non-negative integers");
        }

        // One pass: dimensions go to a stack buffer (a larger one for a rank beyond it), then into an array of their number.
        Span<long> dimensions = stackalloc long[8];
        var length = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                throw WardenException.BadRequest(
                    $"inputs[{index}].shape[{length}] must be a non-negative integer, got {Preview(source[start..(int)reader.BytesConsumed])}");
            }

            if (length == dimensions.Length)
            {
                var larger = new long[2 * length];
                dimensions.CopyTo(larger);
                dimensions = larger;
            }

            dimensions[length++] = value;
        }

        var read = dimensions[..length];
        if (t_lastShape is { } last && read.SequenceEqual(last))
        {
            return last;
        }

        return t_lastShape = read.ToArray();
    }

    // The last shape this thread read, handed out again when the next one is the same: requests repeat a few shapes (every
    // input of a tabular row is [1, 1]). Shapes are never written once read (batching and review copy one before changing a
    // dimension), so requests can share the array.
    [ThreadStatic]
    private static long[]? t_lastShape;

    private static ReadOnlyMemory<byte> Slice(string label, JsonElement size, bool hasData, ReadOnlyMemory<byte>? binary, ref int offset)
    {
        if (hasData)
        {
            throw WardenException.BadRequest($"{label} has both \"data\" and parameters.binary_data_size; send one");
        }

        if (binary is not { } section)
        {
            throw WardenException.BadRequest(
                $"{label} declares parameters.binary_data_size but the request has no Inference-Header-Content-Length header, so no binary data");
        }

        if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out var length) || length < 0)
        {
            throw WardenException.BadRequest($"{label} parameters.binary_data_size must be a non-negative integer, got {Preview(size)}");
        }

        if (length > section.Length - offset)
        {
            throw WardenException.BadRequest(
                $"{label} declares {length} bytes of binary data but only {section.Length - offset} remain after the JSON header and earlier inputs");
        }

        var slice = section.Slice(offset, (int)length);
        offset += (int)length;
        return slice;
    }

    private static (List<string> Names, Dictionary<string, bool>? Binary) ReadOutputs(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WardenException.BadRequest("\"outputs\" must be an array of {\"name\": …} objects");
        }

        var names = new List<string>();
        Dictionary<string, bool>? binary = null;
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw WardenException.BadRequest($"outputs[{i}] must be an object with a string \"name\"");
            }

            names.Add(name.GetString()!);
            if (item.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object
                && parameters.TryGetProperty("binary_data", out var flag))
            {
                (binary ??= new Dictionary<string, bool>(StringComparer.Ordinal))[names[^1]] = flag.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw WardenException.BadRequest($"outputs[{i}].parameters.binary_data must be true or false"),
                };
            }

            i++;
        }

        return (names, binary);
    }

    private static Dictionary<string, JsonElement> ReadParameters(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw WardenException.BadRequest($"\"{where}\" must be an object");
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = property.Value;
        }

        return result;
    }

    /// <summary>How a JSON value that is not what the protocol wants is named in a refusal.</summary>
    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    /// <summary>A value's JSON text as sent, cut to 40 characters, to quote in a refusal.</summary>
    internal static string Preview(ReadOnlySpan<byte> utf8) => Preview(System.Text.Encoding.UTF8.GetString(utf8));

    private static string Preview(JsonElement element) => Preview(element.GetRawText());

    private static string Preview(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Trim(string message)
    {
        // System.Text.Json messages end with a path/line suffix that is useful; keep it but bound the length.
        return message.Length <= 300 ? message : message[..300];
    }

    private enum Field
    {
        Other,
        Id,
        Parameters,
        Inputs,
        Outputs,
    }
}
