using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Contracts.V2;

namespace Warden.Edge;

/// <summary>
/// Source-generated JSON for the agent's own answers (<c>/edge/status</c>, errors, readiness) and its prediction records,
/// in the snake_case the V2 protocol and the server's prediction log use.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EdgeAnswer.ErrorBody))]
[JsonSerializable(typeof(EdgeAnswer.LiveBody))]
[JsonSerializable(typeof(EdgeAnswer.ReadyBody))]
[JsonSerializable(typeof(EdgeStatus))]
[JsonSerializable(typeof(EdgePrediction))]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadata))]
internal sealed partial class EdgeAnswerJson : JsonSerializerContext;
