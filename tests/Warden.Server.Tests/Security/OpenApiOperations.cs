using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Warden.Server.Tests.Security;

/// <summary>The operations of an OpenAPI 3 document: method, path template, query parameter names and a sample request body built from the schema.</summary>
internal static class OpenApiOperations
{
    /// <summary>One operation.</summary>
    public sealed record Operation(string Method, string Template, IReadOnlyList<string> Query, JsonNode? Sample)
    {
        public string Key => Method + " " + Template;

        /// <summary>True when <paramref name="path"/> (no query) is an instance of the template.</summary>
        public bool Matches(string path) =>
            Regex.IsMatch(path.Split('?')[0], "^" + Regex.Replace(Regex.Escape(Template), @"\\\{[^/]+?\}", "[^/]+") + "$");
    }

    public static IReadOnlyList<Operation> Load(string file)
    {
        var document = JsonNode.Parse(File.ReadAllText(file))!;
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var query = (operation!["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!).ToList();
                var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                operations.Add(new Operation(method.ToUpperInvariant(), template, query, schema is null ? null : Sample(schema, schemas, 0)));
            }
        }

        return operations;
    }

    /// <summary>A value of the schema's shape: every property present, one array item, the first enum value.</summary>
    private static JsonNode? Sample(JsonNode schema, JsonObject? schemas, int depth)
    {
        if (depth > 5)
        {
            return null;
        }

        if ((string?)schema["$ref"] is { } reference)
        {
            return schemas?[reference.Split('/')[^1]] is { } target ? Sample(target, schemas, depth + 1) : null;
        }

        if (schema["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
            JsonValue single => (string?)single,
            _ => schema["properties"] is null ? null : "object",
        };
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
                {
                    obj[name] = property is null ? null : Sample(property, schemas, depth + 1);
                }

                return obj;
            case "array":
                return schema["items"] is { } items ? new JsonArray(Sample(items, schemas, depth + 1)) : new JsonArray();
            case "integer":
                return 1;
            case "number":
                return 0.5;
            case "boolean":
                return true;
            case "string":
                return (string?)schema["format"] == "date-time" ? "2026-12-06T09:00:00Z" : "x";
            default:
                return null;
        }
    }
}
