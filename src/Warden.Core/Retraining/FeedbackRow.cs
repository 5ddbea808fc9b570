namespace Warden.Core.Retraining;

/// <summary>A labelled prediction from the feedback store, as training data: the logged inputs of one row, its label and its sensitive attributes.</summary>
/// <param name="PredictionId">Prediction id.</param>
/// <param name="Inputs">Input values by name (NaN when not numeric).</param>
/// <param name="Positive">Whether the label is the positive class.</param>
/// <param name="Sensitive">Sensitive attributes sent with the request (may be empty).</param>
/// <param name="Source">Where the label came from (<c>api</c>, <c>review</c>, …).</param>
public sealed record FeedbackRow(
    string PredictionId, IReadOnlyDictionary<string, double> Inputs, bool Positive, IReadOnlyDictionary<string, string> Sensitive, string Source)
{
    /// <summary>Element 0 of each input as logged text (a STRING input's category, a number as written); empty when not read.</summary>
    public IReadOnlyDictionary<string, string> Texts { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
