using System.Text.Json.Serialization;

namespace Warden.Core.Predictions;

/// <summary>Source-generated JSON of a logged prediction's sensitive attributes (default options), written without reflection.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class PredictionJson : JsonSerializerContext;
