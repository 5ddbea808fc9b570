using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Warden.Core.Access;
using Warden.Core.Monitoring;
using Warden.Core.Pipelines;
using Warden.Core.Policies;
using Warden.Core.RateLimiting;
using Warden.Core.Settings;

namespace Warden.Core.Bundles;

/// <summary>
/// The <c>policies.json</c> part of a bundle: how the agent serves it, and the model's settings documents as they stood on
/// the server when it was packed. The part's SHA-256 is in the signed manifest, so the documents cannot be changed or
/// dropped on the way without the bundle being refused. The agent loads them into the same <see cref="ModelSettings"/> and
/// interceptors the server uses.
/// </summary>
public sealed class BundlePolicies
{
    /// <summary>An expired bundle is no longer served; requests for its model get 503 with the reason.</summary>
    public const string ExpiryStop = "stop";

    /// <summary>An expired bundle is no longer served; requests for its model are forwarded to the server.</summary>
    public const string ExpiryFallback = "fallback";

    /// <summary>Settings kinds that travel with a bundle: every kind that refuses, alters or limits a prediction on its own.</summary>
    public static IReadOnlyList<SettingsKind> Kinds { get; } =
    [
        new(UsagePolicy.Kind, typeof(UsagePolicy), BundleSettingsJson.Default),
        new(InputPolicy.Kind, typeof(InputPolicy), BundleSettingsJson.Default),
        new(OutputPolicy.Kind, typeof(OutputPolicy), BundleSettingsJson.Default),
        new(GroupThresholdSettings.Kind, typeof(GroupThresholdSettings), BundleSettingsJson.Default),
        new(PipelineDocument.Kind, typeof(PipelineDocument), BundleSettingsJson.Default),
        new(RateLimitInterceptor.Kind, typeof(KeyLimits), BundleSettingsJson.Default),
    ];

    /// <summary>Requests for models the device does not serve go to the server.</summary>
    [JsonPropertyName("fallback_to_server")]
    public bool FallbackToServer { get; set; } = true;

    /// <summary>Local predictions are written to the device's prediction log and telemetry.</summary>
    [JsonPropertyName("prediction_log")]
    public bool PredictionLog { get; set; } = true;

    /// <summary>What happens once the bundle expires: <see cref="ExpiryStop"/> (default) or <see cref="ExpiryFallback"/>.</summary>
    [JsonPropertyName("on_expiry")]
    public string OnExpiry { get; set; } = ExpiryStop;

    /// <summary>Settings documents by kind (only <see cref="Kinds"/> are read).</summary>
    [JsonPropertyName("settings")]
    public Dictionary<string, JsonElement> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Reads a <c>policies.json</c> part; a missing or empty part gives the defaults.</summary>
    /// <exception cref="BundleVerificationException">The part is not valid JSON or names an unknown expiry mode.</exception>
    public static BundlePolicies Parse(byte[]? json)
    {
        if (json is null || json.Length == 0)
        {
            return new BundlePolicies();
        }

        BundlePolicies? policies;
        try
        {
            policies = JsonSerializer.Deserialize(json, BundleJson.Default.BundlePolicies);
        }
        catch (JsonException ex)
        {
            throw new BundleVerificationException(BundleFailure.Malformed, $"{BundleNames.Policies} is not valid: {ex.Message}");
        }

        policies ??= new BundlePolicies();
        policies.Settings ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (policies.OnExpiry is not (ExpiryStop or ExpiryFallback))
        {
            throw new BundleVerificationException(BundleFailure.Malformed, $"{BundleNames.Policies}: on_expiry must be '{ExpiryStop}' or '{ExpiryFallback}', not '{policies.OnExpiry}'");
        }

        return policies;
    }

    /// <summary>The documents of every travelling kind that <paramref name="settings"/> holds for <paramref name="model"/> now.</summary>
    public static BundlePolicies FromSettings(ModelSettings settings, string model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var policies = new BundlePolicies();
        foreach (var kind in Kinds)
        {
            if (settings.GetVersion(model, kind.Name) is { } version)
            {
                using var document = JsonDocument.Parse(version.Json);
                policies.Settings[kind.Name] = document.RootElement.Clone();
            }
        }

        return policies;
    }

    /// <summary>The part's bytes.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, BundleJson.Default.BundlePolicies);

    /// <inheritdoc />
    public override string ToString() => Encoding.UTF8.GetString(ToJson());
}
