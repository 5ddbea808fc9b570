using System.Collections;
using System.Reflection;

namespace Warden.Core.Settings;

/// <summary>
/// Finds nulls a bound settings document must not hold: a property, array element or dictionary value declared non-nullable
/// (C# nullable annotations) that JSON left null — missing, written as <c>null</c>, or a <c>null</c> inside a list. The
/// serializer's own check covers explicit nulls in properties only, so lists like <c>"rules": [null]</c> and absent
/// properties without defaults would otherwise reach validators and the request path as null references.
/// </summary>
public static class RequiredValues
{
    private const int MaxDepth = 32;
    private static readonly NullabilityInfoContext Context = new();

    /// <summary>Paths (<c>rules[1]</c>, <c>thresholds.rules</c>) of the values that are null but must not be.</summary>
    public static IReadOnlyList<string> FindMissing(object document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<string>();
        lock (Context)
        {
            WalkObject(document, "", problems, 0);
        }

        return problems;
    }

    private static void WalkObject(object value, string path, List<string> problems, int depth)
    {
        var type = value.GetType();
        if (depth > MaxDepth || !IsDocumentType(type))
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Only what JSON binds: computed (get-only or [JsonIgnore]) properties may parse or throw on an invalid document.
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null || property.SetMethod is null
                || property.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute)))
            {
                continue;
            }

            var info = Context.Create(property);
            var child = property.GetValue(value);
            var name = path.Length == 0 ? Camel(property.Name) : $"{path}.{Camel(property.Name)}";
            Walk(child, info, name, problems, depth + 1);
        }
    }

    private static void Walk(object? value, NullabilityInfo info, string path, List<string> problems, int depth)
    {
        if (value is null)
        {
            if (info.ReadState == NullabilityState.NotNull && !info.Type.IsValueType)
            {
                problems.Add($"{path} must not be null");
            }

            return;
        }

        if (value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        if (value is IDictionary dictionary)
        {
            var valueInfo = info.GenericTypeArguments.Length == 2 ? info.GenericTypeArguments[1] : null;
            foreach (DictionaryEntry entry in dictionary)
            {
                WalkElement(entry.Value, valueInfo, $"{path}[\"{entry.Key}\"]", problems, depth);
            }

            return;
        }

        if (value is IEnumerable sequence)
        {
            var elementInfo = info.ElementType ?? (info.GenericTypeArguments.Length == 1 ? info.GenericTypeArguments[0] : null);
            var index = 0;
            foreach (var element in sequence)
            {
                WalkElement(element, elementInfo, $"{path}[{index++}]", problems, depth);
            }

            return;
        }

        WalkObject(value, path, problems, depth);
    }

    private static void WalkElement(object? element, NullabilityInfo? info, string path, List<string> problems, int depth)
    {
        if (info is not null)
        {
            Walk(element, info, path, problems, depth + 1);
        }
        else if (element is not null)
        {
            WalkObject(element, path, problems, depth + 1);
        }
    }

    // Only the project's own document types are walked; framework values (TimeSpan, JsonElement, …) are leaves.
    private static bool IsDocumentType(Type type) => type.Namespace?.StartsWith("Warden.", StringComparison.Ordinal) == true;

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
