namespace Warden.Core.Drift;

/// <summary>Quality monitoring of a binary classifier: reference baseline and per-chunk estimated/realised quality.</summary>
public sealed record PerformanceReport
{
    /// <summary>Decision threshold on the score.</summary>
    public double Threshold { get; init; }

    /// <summary>Whether CBPE calibrated scores with isotonic regression on reference.</summary>
    public bool Calibrated { get; init; }

    /// <summary>Realised accuracy on the reference data.</summary>
    public double ReferenceAccuracy { get; init; }

    /// <summary>Realised ROC AUC on the reference data.</summary>
    public double ReferenceRocAuc { get; init; }

    /// <summary>CBPE estimate over all analysed rows.</summary>
    public double EstimatedAccuracy { get; init; }

    /// <summary>Realised accuracy over all labelled analysed rows, null when none.</summary>
    public double? RealisedAccuracy { get; init; }

    /// <summary>Per-chunk results.</summary>
    public IReadOnlyList<PerformanceWindow> Windows { get; init; } = [];

    /// <summary>Largest drop of estimated accuracy below the reference accuracy over chunks (0 when none).</summary>
    public double MaxEstimatedAccuracyDrop
    {
        get
        {
            double drop = 0;
            foreach (var w in Windows)
            {
                drop = Math.Max(drop, ReferenceAccuracy - w.EstimatedAccuracy);
            }

            return drop;
        }
    }

    /// <summary>Largest drop of realised accuracy below the reference accuracy over labelled chunks (0 when none).</summary>
    public double MaxRealisedAccuracyDrop
    {
        get
        {
            double drop = 0;
            foreach (var w in Windows)
            {
                if (w.RealisedAccuracy is { } a)
                {
                    drop = Math.Max(drop, ReferenceAccuracy - a);
                }
            }

            return drop;
        }
    }
}
