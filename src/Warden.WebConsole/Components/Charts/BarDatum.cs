namespace Warden.WebConsole.Components.Charts;

/// <summary>One bar: a category (row), the series it belongs to, its value and an optional confidence interval.</summary>
public sealed record BarDatum(string Category, string Series, double Value, double? Lower = null, double? Upper = null);
