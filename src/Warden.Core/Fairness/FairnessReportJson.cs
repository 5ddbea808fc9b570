using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Fairness;

/// <summary>
/// JSON form of <see cref="FairnessReport"/>: camelCase names, nulls written (undefined stays visible),
/// enums as camelCase strings. Schema in docs/fairness.md.
/// </summary>
public static class FairnessReportJson
{
    /// <summary>Serializer options shared by fairness documents (reports, policies, profiles, thresholds).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Reports are files and API bodies, never inlined into HTML, so readable quotes and non-ASCII group names are safe.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes a report.</summary>
    public static string Serialize(FairnessReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Reads a report; throws <see cref="JsonException"/> on malformed input.</summary>
    public static FairnessReport Deserialize(string json) =>
        JsonSerializer.Deserialize<FairnessReport>(json, Options) ?? throw new JsonException("Empty fairness report.");
}
