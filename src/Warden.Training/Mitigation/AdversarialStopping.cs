namespace Warden.Training.Mitigation;

/// <summary>
/// What early stopping of <see cref="AdversarialDebiasing"/> saw: the held-out accuracy and disparity after every joint-phase
/// epoch (index 0 = after the first epoch) and the epoch whose predictor was returned.
/// </summary>
/// <param name="Epoch">Index into <paramref name="Trace"/> of the returned predictor.</param>
/// <param name="HeldOutRows">Rows held out (not trained on).</param>
/// <param name="Trace">Held-out accuracy and disparity per joint-phase epoch.</param>
internal sealed record AdversarialStopping(int Epoch, int HeldOutRows, IReadOnlyList<(double Accuracy, double Disparity)> Trace)
{
    /// <summary>
    /// The epoch to return: the most accurate of those whose disparity is at most <paramref name="target"/> (the earliest on a
    /// tie), or, when none is, the least disparate (the more accurate, then the earliest, on a tie).
    /// </summary>
    public static int Choose(IReadOnlyList<(double Accuracy, double Disparity)> trace, double target)
    {
        var best = -1;
        for (var e = 0; e < trace.Count; e++)
        {
            if (trace[e].Disparity <= target && (best < 0 || trace[e].Accuracy > trace[best].Accuracy))
            {
                best = e;
            }
        }

        if (best >= 0)
        {
            return best;
        }

        best = 0;
        for (var e = 1; e < trace.Count; e++)
        {
            if (trace[e].Disparity < trace[best].Disparity
                || (trace[e].Disparity == trace[best].Disparity && trace[e].Accuracy > trace[best].Accuracy))
            {
                best = e;
            }
        }

        return best;
    }
}
