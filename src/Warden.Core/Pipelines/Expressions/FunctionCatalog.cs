namespace Warden.Core.Pipelines.Expressions;

/// <summary>The fixed whitelist of functions: names and how many arguments each takes.</summary>
internal static class FunctionCatalog
{
    public const string IsMissing = "is_missing";

    private static readonly Dictionary<string, (int Min, int Max)> Arity = new(StringComparer.Ordinal)
    {
        ["abs"] = (1, 1),
        ["exp"] = (1, 1),
        ["log"] = (1, 1),
        ["round"] = (1, 2),
        ["min"] = (2, int.MaxValue),
        ["max"] = (2, int.MaxValue),
        [IsMissing] = (1, 1),
    };

    public static string Available { get; } = string.Join(", ", Arity.Keys.Order(StringComparer.Ordinal));

    public static bool TryGetArity(string name, out int min, out int max)
    {
        var found = Arity.TryGetValue(name, out var arity);
        (min, max) = arity;
        return found;
    }

    public static string DescribeArity(int min, int max) => (min, max) switch
    {
        (1, 1) => "1 argument",
        _ when max == int.MaxValue => $"at least {min} arguments",
        _ when min == max => $"{min} arguments",
        _ => $"{min} or {max} arguments",
    };
}
