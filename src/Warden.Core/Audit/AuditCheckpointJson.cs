using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Core.Audit;

/// <summary>Source-generated JSON of a checkpoint line (camelCase), readable without reflection: the native CLI verifies checkpoints too.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditCheckpoint))]
internal sealed partial class AuditCheckpointJson : JsonSerializerContext;
