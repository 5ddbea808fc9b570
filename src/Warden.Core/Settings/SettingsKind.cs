using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

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
    private readonly JsonSerializerOptions _strict;
    private readonly JsonSerializerOptions _lenient;
    private readonly Func<object, IReadOnlyList<string>> _findMissing;

    /// <summary>A kind whose documents bind by reflection (the server), with the full check for nulls in lists and absent properties.</summary>
    [RequiresUnreferencedCode("Binds the document type by reflection; the native edge agent uses the constructor that takes a resolver.")]
    [RequiresDynamicCode("Binds the document type by reflection; the native edge agent uses the constructor that takes a resolver.")]
    public SettingsKind(string name, Type documentType, Func<string, object, IReadOnlyList<string>>? validate = null)
        : this(name, documentType, new DefaultJsonTypeInfoResolver(), validate, RequiredValues.FindMissing)
    {
    }

    /// <summary>
    /// A kind whose documents bind through <paramref name="resolver"/> (source-generated metadata, no reflection). Nulls are
    /// checked where the serializer sees them (explicit nulls in properties); documents reach such kinds already checked in
    /// full by the server that wrote them (the edge agent's bundles and syncs).
    /// </summary>
    public SettingsKind(string name, Type documentType, IJsonTypeInfoResolver resolver, Func<string, object, IReadOnlyList<string>>? validate = null)
        : this(name, documentType, resolver, validate, _ => [])
    {
    }

    private SettingsKind(string name, Type documentType, IJsonTypeInfoResolver resolver, Func<string, object, IReadOnlyList<string>>? validate, Func<object, IReadOnlyList<string>> findMissing)
    {
        Name = name;
        DocumentType = documentType;
        Validate = validate ?? ((_, _) => []);
        _lenient = new JsonSerializerOptions(ModelSettings.Json) { TypeInfoResolver = resolver };
        _strict = new JsonSerializerOptions(_lenient) { RespectNullableAnnotations = true };
        _lenient.MakeReadOnly();
        _strict.MakeReadOnly();
        _findMissing = findMissing;
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
            document = json.Deserialize(_strict.GetTypeInfo(DocumentType));
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: {ex.Message}");
        }

        if (document is null)
        {
            throw WardenException.BadRequest($"'{Name}' document is empty");
        }

        if (_findMissing(document) is { Count: > 0 } missing)
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
            _ = Write(document);
        }
        catch (ArgumentException)
        {
            throw WardenException.BadRequest($"'{Name}' document is invalid: numbers must be finite (no NaN or Infinity)");
        }

        return document;
    }

    /// <summary>Reads a stored document (lenient: one stored by an earlier release still loads).</summary>
    public object? Read(JsonElement json) => json.Deserialize(_lenient.GetTypeInfo(DocumentType));

    /// <summary>The stored text of a bound document.</summary>
    public string Write(object document) => JsonSerializer.Serialize(document, _lenient.GetTypeInfo(DocumentType));
}
