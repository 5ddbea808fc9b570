namespace Warden.WebConsole.Components.Charts;

/// <summary>One point of a time series.</summary>
public sealed record LinePoint(string Series, DateTimeOffset Time, double Value);
