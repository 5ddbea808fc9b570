using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Contracts.Edge;
using Warden.Core.Access;

namespace Warden.Edge;

/// <summary>
/// Source-generated JSON for what the agent exchanges with the server and keeps on disk (web defaults: camelCase), so the
/// agent needs no reflection and runs as a Native AOT executable.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<EdgeBundleInfo>))]
[JsonSerializable(typeof(DeviceRegistration))]
[JsonSerializable(typeof(TelemetryBatch))]
[JsonSerializable(typeof(TelemetryAck))]
[JsonSerializable(typeof(TelemetryRecord))]
[JsonSerializable(typeof(List<ApiKeyRecord>))]
internal sealed partial class EdgeWireJson : JsonSerializerContext;
