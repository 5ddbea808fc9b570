using System.Text.Json;
using System.Text.Json.Serialization;

namespace Warden.Server.Tests.ApiContract.Generated;

/// <summary>
/// NSwag's hook for the generated client's serializer options: leave unset optional fields out instead of sending
/// <c>null</c> (the protocol reads "parameters" and "outputs" as absent or an object/array, not null).
/// </summary>
internal partial class WardenApiClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) =>
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
}
