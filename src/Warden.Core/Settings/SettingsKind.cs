using System.Text.Json;

namespace Warden.Core.Settings;

/// <summary>
/// A kind of per-model settings document: its name (e.g. <c>usage-policy</c>), the type it binds to, and a validator that
/// returns every problem found (empty when valid). The validator gets the model name too, so a document that names other
/// things (a canary version, a rule's inputs) is checked against what that model really has. Capabilities register their
/// kinds in DI.
/// </summary>
public sealed class SettingsKind
{
    // Incoming documents are bound strictly: an explicit null where the document type says "never null" is refused here
    // with its path, instead of reaching a validator or the request path as a null collection. Stored documents load
    // with the lenient options, so one stored by an earlier release still loads.
    private static readonly JsonSerializerOptions Strict = new(ModelSettings.Json) { RespectNullableAnnotations = true };

    public SettingsKind(string name, Type documentType, Func<string, object, IReadOnlyList<string>>? validate = null)
    {
        Name = name;
        DocumentType = documentType;
        Validate = validate ?? ((_, _) => []);
    }

    /// <summary>Kind name used in the API path.</summary>
    public string Name { get; }

    /// <summary>Type the JSON binds to (web defaults: camelCase, case-insensitive).</summary>
    public Type DocumentType { get; }

    /// <summary>Checks a bound document of a model (model name, document); returns the problems found.</summary>
    public Func<string, object, IReadOnlyList<string>> Validate { get; }

    /// <summary>Binds and validates <paramref name="json"/> for <paramref name="model"/>; throws <see cref="WardenException"/> (400) naming every problem.</summary>
    public object Bind(string model, JsonElement json)
    {
        object? document;
        try
        {
            document = json.Deserialize(DocumentType, Strict);
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: {ex.Message}");
        }

        if (document is null)
        {
            throw WardenException.BadRequest($"'{Name}' document is empty");
        }

        if (RequiredValues.FindMissing(document) is { Count: > 0 } missing)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: {string.Join("; ", missing.Take(10))}");
        }

        var problems = Validate(model, document);
        if (problems.Count > 0)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: {string.Join("; ", problems)}");
        }

        try
        {
            // The stored form must be writable JSON: "NaN" and "Infinity" read from strings are not.
            _ = JsonSerializer.SerializeToUtf8Bytes(document, DocumentType, ModelSettings.Json);
        }
        catch (ArgumentException)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: numbers must be finite (no NaN or Infinity)");
        }

        return document;
    }
}
