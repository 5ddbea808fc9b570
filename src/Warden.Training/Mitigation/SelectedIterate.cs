namespace Warden.Training.Mitigation;

/// <summary>
/// What <see cref="AdversarialSelection.Epoch"/> / <see cref="AdversarialSelection.EpochAndThreshold"/> saw: per joint-phase
/// epoch (index 0 = after the first) the training-row accuracy and disparity of that epoch's predictor at its best threshold
/// (0 without threshold choice), and the epoch returned.
/// </summary>
/// <param name="Epoch">Index into <paramref name="Trace"/> of the returned predictor.</param>
/// <param name="Rows">Training rows the iterates were scored on.</param>
/// <param name="Trace">Threshold on the logit, accuracy and disparity per joint-phase epoch.</param>
internal sealed record SelectedIterate(int Epoch, int Rows, IReadOnlyList<DecisionThresholdScan.Point> Trace)
{
    /// <summary>The decision threshold on the chosen predictor's logit (folded into its bias when exported).</summary>
    public double Threshold => Trace[Epoch].Threshold;
}
