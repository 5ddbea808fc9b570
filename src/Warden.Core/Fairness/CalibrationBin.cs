namespace Warden.Core.Fairness;

/// <summary>One equal-width score bin [Lower, Upper) (the last bin includes 1) of a reliability diagram.</summary>
/// <param name="Lower">Bin start.</param>
/// <param name="Upper">Bin end.</param>
/// <param name="Count">Rows in the bin.</param>
/// <param name="Weight">Total weight in the bin.</param>
/// <param name="MeanScore">Weighted mean score, null for an empty bin.</param>
/// <param name="ObservedRate">Weighted fraction of y = 1, null for an empty bin.</param>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double Weight, double? MeanScore, double? ObservedRate);
