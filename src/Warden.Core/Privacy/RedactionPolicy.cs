using Warden.Contracts.Registry;

namespace Warden.Core.Privacy;

/// <summary>
/// Per-feature <see cref="RedactionAction"/>s plus a default for features the policy does not name.
/// Text form: <c>pirat=keep, afam=drop, zip=hash, *=drop</c> (comma or semicolon separated, <c>*</c> sets the default;
/// names are case-sensitive, actions are not).
/// </summary>
public sealed class RedactionPolicy
{
    private readonly Dictionary<string, RedactionAction> _actions;

    /// <summary>Creates a policy from explicit actions.</summary>
    public RedactionPolicy(IReadOnlyDictionary<string, RedactionAction> actions, RedactionAction defaultAction)
    {
        ArgumentNullException.ThrowIfNull(actions);
        _actions = new Dictionary<string, RedactionAction>(actions, StringComparer.Ordinal);
        Default = defaultAction;
    }

    /// <summary>Action for features the policy does not name.</summary>
    public RedactionAction Default { get; }

    /// <summary>The action for <paramref name="feature"/>.</summary>
    public RedactionAction ActionFor(string feature) => _actions.TryGetValue(feature, out var a) ? a : Default;

    /// <summary>Parses the text form (see the type summary); without a <c>*</c> entry the default is <paramref name="defaultAction"/>.</summary>
    /// <exception cref="FormatException">An entry is not <c>name=action</c> or the action is unknown, or a name repeats.</exception>
    public static RedactionPolicy Parse(string text, RedactionAction defaultAction = RedactionAction.Drop)
    {
        ArgumentNullException.ThrowIfNull(text);
        var actions = new Dictionary<string, RedactionAction>(StringComparer.Ordinal);
        var fallback = defaultAction;
        foreach (var entry in text.Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Redaction entry '{entry}' must be name=keep|drop|hash.");
            }

            var name = entry[..eq].Trim();
            var action = ParseAction(entry[(eq + 1)..].Trim(), name);
            if (name == "*")
            {
                fallback = action;
            }
            else if (!actions.TryAdd(name, action))
            {
                throw new FormatException($"Feature '{name}' appears twice in the redaction policy.");
            }
        }

        return new RedactionPolicy(actions, fallback);
    }

    /// <summary>Uses each <see cref="FeatureInfo.Redaction"/> of a model card; features without one get <paramref name="defaultAction"/>.</summary>
    public static RedactionPolicy FromFeatures(IEnumerable<FeatureInfo> features, RedactionAction defaultAction = RedactionAction.Drop)
    {
        ArgumentNullException.ThrowIfNull(features);
        var actions = new Dictionary<string, RedactionAction>(StringComparer.Ordinal);
        foreach (var f in features)
        {
            actions[f.Name] = f.Redaction is { Length: > 0 } r ? ParseAction(r, f.Name) : defaultAction;
        }

        return new RedactionPolicy(actions, defaultAction);
    }

    private static RedactionAction ParseAction(string text, string feature) => text.ToUpperInvariant() switch
    {
        "KEEP" => RedactionAction.Keep,
        "DROP" => RedactionAction.Drop,
        "HASH" => RedactionAction.Hash,
        _ => throw new FormatException($"Unknown redaction action '{text}' for '{feature}' (keep, drop or hash)."),
    };
}
