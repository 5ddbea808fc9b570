using System.Globalization;

namespace Warden.Core.Monitoring;

/// <summary>Reads ground-truth and yes/no values the way Warden's data sets write them.</summary>
public static class LabelValues
{
    /// <summary>True when <paramref name="label"/> is the positive class: equal to <paramref name="positive"/>, or 1/true/yes when that is null.</summary>
    public static bool IsPositive(string label, string? positive)
    {
        ArgumentNullException.ThrowIfNull(label);
        return positive is not null
            ? string.Equals(label.Trim(), positive, StringComparison.OrdinalIgnoreCase)
            : label.Trim().ToLowerInvariant() is "1" or "1.0" or "true" or "yes";
    }

    /// <summary>A cell as a number: yes/true → 1, no/false → 0, otherwise an invariant number; NaN when missing or not a number.</summary>
    public static double ToNumber(string? cell) => cell?.Trim().ToLowerInvariant() switch
    {
        null or "" => double.NaN,
        "yes" or "true" => 1,
        "no" or "false" => 0,
        var text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN,
    };
}
