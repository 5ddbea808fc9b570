using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Warden.Core.Inference;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Policies;

/// <summary>
/// Checks bound inputs against the model's <see cref="InputPolicy"/>: out-of-range numbers, values outside an allowed set,
/// BYTES matching a deny pattern (a pattern that times out counts as a match: fail closed). Rejects with 400 or flags.
/// </summary>
public sealed class InputPolicyInterceptor(ModelSettings settings) : InferenceInterceptor
{
    /// <summary>Match timeout of deny patterns.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const int MaxReported = 20;
    private readonly ConditionalWeakTable<InputPolicy, Dictionary<string, Regex[]>> _compiled = [];

    public override bool AppliesToExplanations => true;

    public override void OnInputs(InferenceContext context)
    {
        var policy = settings.Get<InputPolicy>(context.Model, InputPolicy.Kind);
        if (policy is null || context.Inputs is null)
        {
            return;
        }

        var patterns = _compiled.GetValue(policy, Compile);
        var problems = new List<string>();
        foreach (var tensor in context.Inputs)
        {
            if (policy.Inputs.TryGetValue(tensor.Name, out var rule) && rule is not null)
            {
                Check(tensor, rule, patterns.GetValueOrDefault(tensor.Name) ?? [], problems);
            }
        }

        if (problems.Count == 0)
        {
            return;
        }

        if (policy.Action == "flag")
        {
            context.ResponseParameters["warden_input_flags"] = problems;
            return;
        }

        throw WardenException.BadRequest("input policy: " + string.Join("; ", problems));
    }

    private static void Check(NamedTensor tensor, InputRule rule, Regex[] patterns, List<string> problems)
    {
        for (var i = 0; i < tensor.Data.Length && problems.Count < MaxReported; i++)
        {
            if (tensor.Datatype == TensorDatatype.Bytes)
            {
                var text = ((string[])tensor.Data)[i] ?? "";
                if (rule.Allowed is { } allowedText && !allowedText.Contains(text, StringComparer.Ordinal))
                {
                    problems.Add($"{tensor.Name}[{i}] is not an allowed value");
                }

                foreach (var pattern in patterns)
                {
                    bool matched;
                    try
                    {
                        matched = pattern.IsMatch(text);
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        matched = true;
                    }

                    if (matched)
                    {
                        problems.Add($"{tensor.Name}[{i}] matches a denied pattern");
                        break;
                    }
                }

                continue;
            }

            var value = tensor.GetDouble(i);
            if ((rule.Min is { } min && !(value >= min)) || (rule.Max is { } max && !(value <= max)))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{tensor.Name}[{i}] = {value:G6} is outside [{rule.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"}, {rule.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}]"));
            }
            else if (rule.Allowed is { } allowed && !allowed.Any(a => double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == value))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{tensor.Name}[{i}] = {value:G6} is not one of {string.Join(", ", allowed)}"));
            }
        }
    }

    private static Dictionary<string, Regex[]> Compile(InputPolicy policy) =>
        policy.Inputs.Where(p => p.Value?.DenyPatterns is { Count: > 0 })
            .ToDictionary(p => p.Key, p => p.Value.DenyPatterns!.Select(x => new Regex(x, RegexOptions.CultureInvariant, MatchTimeout)).ToArray(), StringComparer.Ordinal);
}
