namespace Warden.Core.Statistics;

/// <summary>Outcome of a Shapiro–Wilk normality test.</summary>
/// <param name="W">The W statistic in (0, 1]; values well below 1 indicate non-normality.</param>
/// <param name="PValue">Royston's (1995) approximation of P(W' ≤ W) under normality.</param>
/// <param name="N">Sample size.</param>
public readonly record struct ShapiroWilkResult(double W, double PValue, int N);
