using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Contracts.Registry;
using Warden.Core.Predictions;
using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Tensors;

namespace Warden.Core.Privacy;

/// <summary>
/// Applies the stored-copy privacy rules to a <see cref="PredictionRecord"/> before it is serialised for the log (on the
/// writer's thread under async durability, on the request's thread under acknowledged; never to the response): each input named on the model version's card is kept, dropped or replaced element-wise by
/// its keyed HMAC (<see cref="FeatureRedactor"/>) as <see cref="FeatureInfo.Redaction"/> says, and the text of kept
/// BYTES inputs goes through <see cref="PiiRedactor"/> when <see cref="PrivacyOptions.RedactPii"/> is on.
/// Sensitive attributes recorded with the prediction follow the same per-name rule.
/// </summary>
/// <remarks>
/// A card without redaction entries (or with only <c>keep</c>) stores inputs as before. Fail closed: a <c>hash</c>
/// feature without a configured HMAC key, and every named feature of a card whose redaction text cannot be parsed,
/// is dropped. Thread-safe.
/// </remarks>
public sealed partial class PredictionRedactor : IDisposable
{
    private readonly IModelCatalog _registry;
    private readonly ILogger<PredictionRedactor> _logger;
    private readonly bool _redactPii;
    private readonly byte[]? _hmacKey;
    private readonly ConcurrentDictionary<(string Model, string Version), VersionRules> _rules = new();

    /// <summary>Reads the HMAC key from <see cref="PrivacyOptions.HashKey"/> or <see cref="PrivacyOptions.HashKeyFile"/>.</summary>
    /// <exception cref="InvalidOperationException">The configured key is not base64, is shorter than 16 bytes, or the file cannot be read.</exception>
    public PredictionRedactor(IModelCatalog registry, IOptions<PrivacyOptions> options, ILogger<PredictionRedactor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _logger = logger;
        _redactPii = options.Value.RedactPii;
        _hmacKey = ReadHashKey(options.Value);
    }

    /// <summary>True when an HMAC key is configured.</summary>
    public bool CanHash => _hmacKey is not null;

    /// <summary>The record as it may be stored (the same instance when nothing applies).</summary>
    public PredictionRecord Apply(PredictionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var rules = RulesFor(record.Model, record.Version);
        var pii = _redactPii && record.Inputs.Any(t => t.Datatype == TensorDatatype.Bytes);
        if (rules.Policy is null && !pii)
        {
            return record;
        }

        var inputs = new List<NamedTensor>(record.Inputs.Count);
        foreach (var tensor in record.Inputs)
        {
            switch (rules.Policy?.ActionFor(tensor.Name) ?? RedactionAction.Keep)
            {
                case RedactionAction.Keep:
                    inputs.Add(pii && tensor.Datatype == TensorDatatype.Bytes ? RedactText(tensor) : tensor);
                    break;
                case RedactionAction.Hash when rules.Hasher is not null:
                    inputs.Add(Hash(rules.Hasher, tensor));
                    break;
                default:
                    break;
            }
        }

        var sensitive = record.Sensitive;
        if (rules.Policy is not null && sensitive is { Count: > 0 })
        {
            var kept = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in sensitive)
            {
                switch (rules.Policy.ActionFor(name))
                {
                    case RedactionAction.Keep:
                        kept[name] = value;
                        break;
                    case RedactionAction.Hash when rules.Hasher is not null:
                        kept[name] = rules.Hasher.HashValue(name, value);
                        break;
                    default:
                        break;
                }
            }

            sensitive = kept;
        }

        return record with { Inputs = inputs, Sensitive = sensitive };
    }

    /// <summary>Zeroes the HMAC key copies.</summary>
    public void Dispose()
    {
        foreach (var rules in _rules.Values)
        {
            rules.Hasher?.Dispose();
        }

        if (_hmacKey is not null)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_hmacKey);
        }
    }

    private static NamedTensor RedactText(NamedTensor tensor)
    {
        var data = (string[])tensor.Data;
        var redacted = new string[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            redacted[i] = data[i] is null ? data[i] : PiiRedactor.Redact(data[i]);
        }

        return tensor with { Data = redacted };
    }

    private static NamedTensor Hash(FeatureRedactor hasher, NamedTensor tensor)
    {
        var hashed = new string[tensor.Data.Length];
        for (var i = 0; i < hashed.Length; i++)
        {
            var value = tensor.Data.GetValue(i);
            hashed[i] = value is null ? "" : hasher.HashValue(tensor.Name, value);
        }

        return tensor with { Datatype = TensorDatatype.Bytes, Data = hashed };
    }

    private static byte[]? ReadHashKey(PrivacyOptions options)
    {
        var text = options.HashKey;
        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(options.HashKeyFile))
        {
            try
            {
                text = File.ReadAllText(options.HashKeyFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Warden:Privacy:HashKeyFile cannot be read: {e.Message}", e);
            }
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException("Warden:Privacy:HashKey is not valid base64.", e);
        }

        return key.Length >= 16 ? key : throw new InvalidOperationException($"Warden:Privacy:HashKey is {key.Length} bytes; at least 16 are needed.");
    }

    private VersionRules RulesFor(string model, string version)
    {
        var record = _registry.FindRecord(model, version);
        var cardJson = record?.CardJson ?? "";
        if (_rules.TryGetValue((model, version), out var cached) && string.Equals(cached.CardJson, cardJson, StringComparison.Ordinal))
        {
            return cached;
        }

        var rules = Build(model, version, record, cardJson);
        _rules[(model, version)] = rules;
        return rules;
    }

    private VersionRules Build(string model, string version, ModelVersionRecord? record, string cardJson)
    {
        if (record is null)
        {
            return new VersionRules(cardJson, null, null);
        }

        var features = ModelRegistry.ReadCard(record).Features;
        RedactionPolicy policy;
        try
        {
            policy = RedactionPolicy.FromFeatures(features, RedactionAction.Keep);
        }
        catch (FormatException e)
        {
            LogBadPolicy(e, model, version);
            policy = new RedactionPolicy(features.ToDictionary(f => f.Name, _ => RedactionAction.Drop, StringComparer.Ordinal), RedactionAction.Keep);
        }

        if (features.All(f => policy.ActionFor(f.Name) == RedactionAction.Keep))
        {
            return new VersionRules(cardJson, null, null);
        }

        var hashes = features.Any(f => policy.ActionFor(f.Name) == RedactionAction.Hash);
        if (hashes && _hmacKey is null)
        {
            LogNoHashKey(model, version);
        }

        return new VersionRules(cardJson, policy, hashes && _hmacKey is not null ? new FeatureRedactor(policy, _hmacKey) : null);
    }

    [LoggerMessage(1, LogLevel.Error, "The redaction entries of {Model} {Version}'s card cannot be parsed; its named features are dropped from stored predictions")]
    private partial void LogBadPolicy(Exception exception, string model, string version);

    [LoggerMessage(2, LogLevel.Warning, "{Model} {Version} hashes features but Warden:Privacy:HashKey is not set; those features are dropped from stored predictions")]
    private partial void LogNoHashKey(string model, string version);

    private sealed record VersionRules(string CardJson, RedactionPolicy? Policy, FeatureRedactor? Hasher);
}
