using System.Text.Json.Serialization;

namespace Warden.Core.Registry;

/// <summary>Source-generated JSON of what the registry stores beside a version (its signature), readable without reflection.</summary>
[JsonSerializable(typeof(VersionSignature))]
internal sealed partial class RegistryJson : JsonSerializerContext;
