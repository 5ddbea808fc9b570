namespace Warden.Core.Pipelines.Expressions;

/// <summary>
/// Reads typed input values and raises the runtime errors. A value is missing when its key is absent, it is null, or
/// it is a NaN number (ML feature pipelines use NaN for missing); infinite numbers are rejected as input.
/// </summary>
internal static class RuntimeValues
{
    public static bool IsMissing(IReadOnlyDictionary<string, object?> variables, string name) =>
        !variables.TryGetValue(name, out var value) || value is null or double.NaN or float.NaN;

    public static double Number(IReadOnlyDictionary<string, object?> variables, string name, SourcePosition at)
    {
        variables.TryGetValue(name, out var value);
        double number = value switch
        {
            null => throw Missing(name, at),
            double d => d,
            int i => i,
            long l => l,
            float f => f,
            decimal m => (double)m,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            ushort us => us,
            uint ui => ui,
            ulong ul => ul,
            _ => throw WrongType(name, at, ExpressionType.Number, value),
        };
        if (double.IsNaN(number))
        {
            throw Missing(name, at);
        }

        return double.IsFinite(number)
            ? number
            : throw Error($"value of '{name}' is not finite", at);
    }

    public static string Text(IReadOnlyDictionary<string, object?> variables, string name, SourcePosition at)
    {
        variables.TryGetValue(name, out var value);
        return value switch
        {
            string s => s,
            null => throw Missing(name, at),
            _ => throw WrongType(name, at, ExpressionType.String, value),
        };
    }

    public static bool Boolean(IReadOnlyDictionary<string, object?> variables, string name, SourcePosition at)
    {
        variables.TryGetValue(name, out var value);
        return value switch
        {
            bool b => b,
            null => throw Missing(name, at),
            _ => throw WrongType(name, at, ExpressionType.Boolean, value),
        };
    }

    public static double Finite(double value, SourcePosition at, string operation) =>
        double.IsFinite(value) ? value : throw Error($"{operation} overflowed", at);

    public static ExpressionException Error(string what, SourcePosition at, string suffix = "") =>
        new(ExpressionError.Create(ExpressionErrorKind.Runtime, what, at, suffix));

    private static ExpressionException Missing(string name, SourcePosition at) =>
        Error($"value of '{name}' is missing", at, $"; guard it with is_missing({name})");

    private static ExpressionException WrongType(string name, SourcePosition at, ExpressionType expected, object value) =>
        Error($"value of '{name}' should be a {TypeNames.Of(expected)}, found {value.GetType().Name}", at);
}
