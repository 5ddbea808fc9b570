using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Drift;

/// <summary>Serializer settings shared by the drift profile and report: camelCase, enums as strings, NaN allowed.</summary>
internal static class DriftJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
