using System.Text.Json;

namespace Warden.Core.Inference;

/// <summary>
/// Reads the JSON body of a V2 inference request into a <see cref="RawInferenceRequest"/>, rejecting anything that is not
/// the protocol's shape with a message that says what is wrong.
/// </summary>
public static class InferenceRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowTrailingCommas = false };

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

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"malformed JSON: {Trim(ex.Message)}");
        }

        try
        {
            return Read(document, headerLength is null ? (ReadOnlyMemory<byte>?)null : binary);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private static RawInferenceRequest Read(JsonDocument document, ReadOnlyMemory<byte>? binary)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw WardenException.BadRequest($"request body must be a JSON object, not {Describe(root.ValueKind)}");
        }

        string? id = null;
        Dictionary<string, JsonElement>? parameters = null;
        List<RawInput>? inputs = null;
        List<string>? outputs = null;
        Dictionary<string, bool>? binaryOutputs = null;
        foreach (var property in root.EnumerateObject())
        {
            // The protocol's optional fields may be sent as null (generated clients do): null means absent.
            if (property.Value.ValueKind == JsonValueKind.Null && property.Name is "id" or "parameters" or "outputs")
            {
                continue;
            }

            switch (property.Name)
            {
                case "id":
                    id = property.Value.ValueKind == JsonValueKind.String
                        ? property.Value.GetString()
                        : throw WardenException.BadRequest("\"id\" must be a string");
                    break;
                case "parameters":
                    parameters = ReadParameters(property.Value, "parameters");
                    break;
                case "inputs":
                    inputs = ReadInputs(property.Value, binary);
                    break;
                case "outputs":
                    (outputs, binaryOutputs) = ReadOutputs(property.Value);
                    break;
                default:
                    // The protocol allows extensions; unknown top-level fields are ignored as KServe does.
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

        return new RawInferenceRequest(document, id, parameters, inputs, outputs) { BinaryOutputs = binaryOutputs };
    }

    private static List<RawInput> ReadInputs(JsonElement element, ReadOnlyMemory<byte>? binary)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WardenException.BadRequest($"\"inputs\" must be an array, not {Describe(element.ValueKind)}");
        }

        var inputs = new List<RawInput>(element.GetArrayLength());
        var index = 0;
        var offset = 0;
        foreach (var item in element.EnumerateArray())
        {
            inputs.Add(ReadInput(item, index++, binary, ref offset));
        }

        if (binary is { } section && offset != section.Length)
        {
            throw WardenException.BadRequest(
                $"the body has {section.Length} bytes of binary data after the JSON header but the inputs' binary_data_size add up to {offset}");
        }

        return inputs;
    }

    private static RawInput ReadInput(JsonElement item, int index, ReadOnlyMemory<byte>? binary, ref int offset)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw WardenException.BadRequest($"inputs[{index}] must be an object, not {Describe(item.ValueKind)}");
        }

        string? name = null;
        string? datatype = null;
        long[]? shape = null;
        JsonElement? data = null;
        Dictionary<string, JsonElement>? parameters = null;
        // Property names are compared as UTF-8 (JsonProperty.Name would allocate a string per property, four per input).
        foreach (var property in item.EnumerateObject())
        {
            if (property.NameEquals("name"u8))
            {
                name = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()
                    : throw WardenException.BadRequest($"inputs[{index}].name must be a string");
            }
            else if (property.NameEquals("datatype"u8))
            {
                datatype = property.Value.ValueKind == JsonValueKind.String
                    ? KnownDatatype(property.Value) ?? property.Value.GetString()
                    : throw WardenException.BadRequest($"inputs[{index}].datatype must be a string");
            }
            else if (property.NameEquals("shape"u8))
            {
                shape = ReadShape(property.Value, index);
            }
            else if (property.NameEquals("data"u8))
            {
                data = property.Value;
            }
            else if (property.NameEquals("parameters"u8) && property.Value.ValueKind != JsonValueKind.Null)
            {
                parameters = ReadParameters(property.Value, $"inputs[{index}].parameters");
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
            return new RawInput(name, shape, datatype, default, parameters) { Binary = Slice($"input '{name}'", size, data is not null, binary, ref offset) };
        }

        if (data is null)
        {
            throw WardenException.BadRequest($"input '{name}' has no \"data\"");
        }

        return new RawInput(name, shape, datatype, data.Value, parameters);
    }

    // The protocol's datatype names as shared strings: a request names one per input, and most name the same few.
    private static readonly (byte[] Utf8, string Name)[] Datatypes =
        [.. new[] { "FP32", "FP64", "INT64", "INT32", "BOOL", "BYTES", "FP16", "INT8", "INT16", "UINT8", "UINT16", "UINT32", "UINT64", "BF16" }
            .Select(name => (System.Text.Encoding.UTF8.GetBytes(name), name))];

    private static string? KnownDatatype(JsonElement value)
    {
        foreach (var (utf8, name) in Datatypes)
        {
            if (value.ValueEquals(utf8))
            {
                return name;
            }
        }

        return null;
    }

    private static long[] ReadShape(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WardenException.BadRequest($"inputs[{index}].shape must be an array of non-negative integers");
        }

        var shape = new long[element.GetArrayLength()];
        var i = 0;
        foreach (var dim in element.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var value) || value < 0)
            {
                throw WardenException.BadRequest($"inputs[{index}].shape[{i}] must be a non-negative integer, got {Preview(dim)}");
            }

            shape[i++] = value;
        }

        return shape;
    }

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

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static string Preview(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    private static string Trim(string message)
    {
        // System.Text.Json messages end with a path/line suffix that is useful; keep it but bound the length.
        return message.Length <= 300 ? message : message[..300];
    }
}
