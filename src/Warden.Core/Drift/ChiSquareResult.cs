namespace Warden.Core.Drift;

/// <summary>Result of a chi-square goodness-of-fit test.</summary>
public sealed record ChiSquareResult(double Statistic, int DegreesOfFreedom, double PValue);
