using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Warden.Core.Pipelines;

/// <summary>
/// Reads a pipeline document written in YAML or JSON and writes its canonical form: the JSON serialisation of the typed
/// document, so the same pipeline written either way has the same bytes and hence the same SHA-256 in the registry.
/// </summary>
public static class PipelineDocumentReader
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // YAML scalars carry no type; numbers arrive as text and are read as numbers where the document expects one.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly JsonSerializerOptions CanonicalOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Default bound on nesting, as <see cref="WardenOptions.MaxDocumentDepth"/>.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>
    /// Parses <paramref name="text"/>: JSON when it starts with <c>{</c>, YAML otherwise (YAML 1.2 is a superset of JSON,
    /// but JSON is read by System.Text.Json for exact numbers and error positions). Malformed text, or nesting deeper
    /// than <paramref name="maxDepth"/>, is a 400; the depth is checked on a streaming pass before any tree is built.
    /// </summary>
    public static PipelineDocument Parse(string text, int maxDepth = DefaultMaxDepth)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw WardenException.BadRequest("the pipeline document is empty");
        }

        JsonNode? node;
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth });
            }
            catch (JsonException ex)
            {
                throw WardenException.BadRequest("the pipeline document is not valid JSON: " + ex.Message);
            }
        }
        else
        {
            node = ReadYaml(text, maxDepth);
        }

        if (node is not JsonObject)
        {
            throw WardenException.BadRequest("the pipeline document must be a mapping with a 'steps' list");
        }

        try
        {
            var document = node.Deserialize<PipelineDocument>(Options) ?? throw WardenException.BadRequest("the pipeline document is empty");

            // An explicit null where the schema has a list ("steps": null, "members": [null]) is refused with its path, as
            // settings documents are, instead of reaching the validator as a null reference.
            return Settings.RequiredValues.FindMissing(document) is { Count: > 0 } missing
                ? throw WardenException.BadRequest("the pipeline document is invalid: " + string.Join("; ", missing.Take(10)))
                : document;
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"the pipeline document does not match the pipeline schema at {ex.Path}: {ex.Message}");
        }
    }

    /// <summary>The canonical JSON bytes of <paramref name="document"/> (UTF-8, camelCase, nulls omitted).</summary>
    public static byte[] Canonical(PipelineDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, CanonicalOptions);

    /// <summary>Reads canonical bytes written by <see cref="Canonical"/>.</summary>
    public static PipelineDocument FromCanonical(byte[] bytes) =>
        JsonSerializer.Deserialize<PipelineDocument>(bytes, Options) ?? throw new InvalidDataException("the stored pipeline document is empty");

    private static JsonNode? ReadYaml(string text, int maxDepth)
    {
        var stream = new YamlStream();
        try
        {
            CheckYamlShape(text, maxDepth);
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw WardenException.BadRequest($"the pipeline document is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet's scanner pairs a "\uDFFF\uD800" escape as a surrogate pair and Char.ConvertToUtf32 throws
            // (found by the 100,000-request OpenAPI fuzz campaign, seed 17): malformed input, not a server fault.
            throw WardenException.BadRequest("the pipeline document is not valid YAML: " + ex.Message);
        }

        if (stream.Documents.Count != 1)
        {
            throw WardenException.BadRequest("the pipeline document must hold exactly one YAML document");
        }

        return ToJson(stream.Documents[0].RootNode);
    }

    // YamlStream.Load and ToJson recurse once per nesting level, so 100 KB of '[' overflowed the stack and ended the
    // process. The event parser keeps its own state stack, so counting depth over its events is safe at any depth.
    // Aliases are refused: expanding them while converting would let a few lines stand for billions of nodes.
    private static void CheckYamlShape(string text, int maxDepth)
    {
        using var reader = new StringReader(text);
        var parser = new Parser(reader);
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case AnchorAlias alias:
                    throw WardenException.BadRequest($"YAML aliases are not supported in pipeline documents (line {alias.Start.Line})");
                case SequenceStart or MappingStart when ++depth > maxDepth:
                    throw WardenException.BadRequest(
                        $"the pipeline document nests deeper than {maxDepth} levels (line {parser.Current.Start.Line}, column {parser.Current.Start.Column})");
                case SequenceEnd or MappingEnd:
                    depth--;
                    break;
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair => KeyValuePair.Create(
            pair.Key is YamlScalarNode key ? key.Value ?? "" : throw WardenException.BadRequest("pipeline document keys must be plain text"),
            ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw WardenException.BadRequest($"unsupported YAML node at line {node.Start.Line}"),
    };
}
