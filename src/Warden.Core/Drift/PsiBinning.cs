namespace Warden.Core.Drift;

/// <summary>How numerical features are binned for PSI.</summary>
public enum PsiBinning
{
    /// <summary>Evidently's <c>get_binned_data</c>: Sturges equal-width bins over reference + current when the reference has &gt; 20 distinct values, else one bin per value.</summary>
    Evidently,

    /// <summary>Quantile bins of the reference (default 10, deciles) with open outer bins; the usual credit-scoring PSI.</summary>
    ReferenceQuantiles,
}
