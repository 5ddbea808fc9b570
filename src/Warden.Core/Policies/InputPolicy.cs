using System.Text.RegularExpressions;

namespace Warden.Core.Policies;

/// <summary>The <c>input-policy</c> settings document: per-input rules and what to do with a request that breaks one.</summary>
public sealed class InputPolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "input-policy";

    /// <summary><c>reject</c> (400 naming every problem) or <c>flag</c> (answer, listing the problems in <c>parameters.warden_input_flags</c>).</summary>
    public string Action { get; set; } = "reject";

    /// <summary>Rules by input name.</summary>
    public Dictionary<string, InputRule> Inputs { get; set; } = [];

    /// <summary>Every problem with the document.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Action is not ("reject" or "flag"))
        {
            problems.Add("'action' must be 'reject' or 'flag'");
        }

        foreach (var (name, rule) in Inputs)
        {
            if (rule is null)
            {
                problems.Add($"input '{name}': rule is null");
                continue;
            }

            if (rule.Min is { } min && rule.Max is { } max && min > max)
            {
                problems.Add($"input '{name}': min > max");
            }

            foreach (var pattern in rule.DenyPatterns ?? [])
            {
                try
                {
                    _ = new Regex(pattern ?? throw new ArgumentException("null pattern"), RegexOptions.None, InputPolicyInterceptor.MatchTimeout);
                }
                catch (ArgumentException ex)
                {
                    problems.Add($"input '{name}': pattern is invalid: {ex.Message}");
                }
            }
        }

        return problems;
    }
}
