namespace Warden.Core.Drift;

/// <summary>Estimated (CBPE) and, where labels have arrived, realised quality of one chunk of predictions.</summary>
public sealed record PerformanceWindow
{
    /// <summary>Zero-based chunk index.</summary>
    public int Index { get; init; }

    /// <summary>Offset of the chunk's first row.</summary>
    public int Start { get; init; }

    /// <summary>Rows in the chunk.</summary>
    public int Count { get; init; }

    /// <summary>CBPE expected confusion matrix.</summary>
    public required ConfusionMatrix Estimated { get; init; }

    /// <summary>CBPE expected accuracy.</summary>
    public double EstimatedAccuracy => Estimated.Accuracy;

    /// <summary>Rows whose label has arrived.</summary>
    public int LabelledCount { get; init; }

    /// <summary>Realised confusion matrix over labelled rows, null when none.</summary>
    public ConfusionMatrix? Realised { get; init; }

    /// <summary>Realised accuracy over labelled rows.</summary>
    public double? RealisedAccuracy => Realised?.Accuracy;

    /// <summary>Realised ROC AUC (null when a class is missing among labelled rows).</summary>
    public double? RocAuc { get; init; }

    /// <summary>Realised log-loss of the calibrated probabilities.</summary>
    public double? LogLoss { get; init; }

    /// <summary>Realised expected calibration error of the calibrated probabilities.</summary>
    public double? ExpectedCalibrationError { get; init; }
}
