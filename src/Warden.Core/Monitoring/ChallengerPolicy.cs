namespace Warden.Core.Monitoring;

/// <summary>What a challenger must show before it may replace the champion (the challenger promotion gate).</summary>
public sealed class ChallengerPolicy
{
    /// <summary>Metrics compared on labelled traffic: <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>roc_auc</c>.</summary>
    public List<string> Metrics { get; set; } = ["accuracy"];

    /// <summary>How much worse than the champion the challenger may be on each metric.</summary>
    public double Tolerance { get; set; }

    /// <summary>Fewest labelled predictions on each side.</summary>
    public int MinLabelled { get; set; } = 30;

    /// <summary>Ground-truth value of the positive class; null accepts 1, true, yes.</summary>
    public string? PositiveLabel { get; set; }
}
