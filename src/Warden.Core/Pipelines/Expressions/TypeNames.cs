namespace Warden.Core.Pipelines.Expressions;

internal static class TypeNames
{
    public static string Of(ExpressionType type) => type switch
    {
        ExpressionType.Number => "number",
        ExpressionType.String => "string",
        _ => "boolean",
    };

    public static string Of(ExpressionType? type) => type is { } t ? Of(t) : "unknown";
}
