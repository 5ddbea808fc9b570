namespace Warden.Core.Feedback;

/// <summary>A ground-truth label for one prediction, from a caller's outcome data or a human reviewer.</summary>
/// <param name="Model">Model name.</param>
/// <param name="PredictionId">Id of the prediction (the inference request id).</param>
/// <param name="Label">The true label as text (e.g. <c>1</c>, <c>yes</c>, <c>deny</c>).</param>
/// <param name="Source"><c>api</c>, <c>review</c>, … — where the label came from.</param>
/// <param name="Actor">Key id that supplied it.</param>
/// <param name="Time">When it was recorded.</param>
/// <param name="OwnerKey">
/// Key id that made the labelled prediction: request ids are namespaced by key, so two keys' predictions with the same
/// id carry separate labels. Empty when no prediction with the id was logged yet (a labeller's early label then joins
/// the first prediction logged with that id).
/// </param>
public sealed record FeedbackRecord(string Model, string PredictionId, string Label, string Source, string Actor, DateTimeOffset Time, string OwnerKey = "");
