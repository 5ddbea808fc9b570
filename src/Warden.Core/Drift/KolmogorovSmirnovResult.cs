namespace Warden.Core.Drift;

/// <summary>Result of a two-sample Kolmogorov–Smirnov test.</summary>
/// <param name="Statistic">D = sup |F_ref(x) − F_cur(x)|.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value came from the exact null distribution, false for the asymptotic one.</param>
public sealed record KolmogorovSmirnovResult(double Statistic, double PValue, bool Exact);
