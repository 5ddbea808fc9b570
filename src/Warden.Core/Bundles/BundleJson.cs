using System.Text.Json.Serialization;

namespace Warden.Core.Bundles;

/// <summary>
/// Source-generated JSON of a bundle's parts (default options: the names the types declare, compact), so the packer and
/// the verifier write and read them without reflection and the native edge agent can verify bundles.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(BundleManifest))]
[JsonSerializable(typeof(BundleSignature))]
[JsonSerializable(typeof(BundlePolicies))]
[JsonSerializable(typeof(BundleRevocations))]
internal sealed partial class BundleJson : JsonSerializerContext;
