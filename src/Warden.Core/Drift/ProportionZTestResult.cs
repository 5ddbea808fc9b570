namespace Warden.Core.Drift;

/// <summary>Result of a two-proportion Z-test.</summary>
public sealed record ProportionZTestResult(double Z, double PValue);
