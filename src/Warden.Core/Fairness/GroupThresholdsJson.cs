using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Fairness;

/// <summary>
/// Source-generated reading of <see cref="GroupThresholds"/> with the fairness documents' options
/// (<see cref="FairnessReportJson.Options"/>: web names, named floating-point literals, camelCase enum names), so the
/// group-threshold interceptor binds its rules without reflection, on the server and in the native edge agent alike.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(GroupThresholdsJson.ConstraintConverter)])]
[JsonSerializable(typeof(GroupThresholds))]
internal sealed partial class GroupThresholdsJson : JsonSerializerContext
{
    /// <summary>Constraint names in camelCase, as the fairness documents write them.</summary>
    internal sealed class ConstraintConverter() : JsonStringEnumConverter<FairnessConstraint>(JsonNamingPolicy.CamelCase);
}
