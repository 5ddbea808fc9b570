namespace Warden.Core.Fairness;

/// <summary>Target of <see cref="GroupBalancedResampler"/>.</summary>
public enum BalanceMode
{
    /// <summary>Every group gets the same number of rows (default: the largest group's size).</summary>
    EqualGroups,

    /// <summary>
    /// Kamiran &amp; Calders (2012) uniform sampling: cell (g, y) gets round(n·P(g)·P(y)) rows, so label and group are independent.
    /// </summary>
    GroupAndLabel,
}
