using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Contracts.Registry;

namespace Warden.Core.Registry;

/// <summary>Source-generated reading of a stored <see cref="ModelCard"/> (web defaults), without reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelCard))]
internal sealed partial class ModelCardJson : JsonSerializerContext;
