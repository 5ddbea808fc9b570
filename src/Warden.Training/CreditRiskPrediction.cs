using Microsoft.ML.Data;

namespace Warden.Training;

/// <summary>ML.NET's own prediction for one application: the label at probability &gt; 0.5 and P(deny = yes).</summary>
public sealed class CreditRiskPrediction
{
    /// <summary>Predicted denial.</summary>
    [ColumnName("PredictedLabel")]
    public bool Label { get; set; }

    /// <summary>Calibrated probability of denial.</summary>
    [ColumnName("Probability")]
    public float Probability { get; set; }
}
