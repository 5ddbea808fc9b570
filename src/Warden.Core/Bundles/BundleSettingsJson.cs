using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Core.Access;
using Warden.Core.Monitoring;
using Warden.Core.Pipelines;
using Warden.Core.Policies;

namespace Warden.Core.Bundles;

/// <summary>
/// Source-generated metadata of the settings documents that travel with a bundle (<see cref="BundlePolicies.Kinds"/>),
/// with the settings store's web defaults, so the native edge agent binds them without reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UsagePolicy))]
[JsonSerializable(typeof(InputPolicy))]
[JsonSerializable(typeof(OutputPolicy))]
[JsonSerializable(typeof(GroupThresholdSettings))]
[JsonSerializable(typeof(PipelineDocument))]
[JsonSerializable(typeof(KeyLimits))]
internal sealed partial class BundleSettingsJson : JsonSerializerContext;
