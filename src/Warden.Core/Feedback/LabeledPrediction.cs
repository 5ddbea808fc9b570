using Warden.Core.Predictions;

namespace Warden.Core.Feedback;

/// <summary>A logged prediction joined with its ground-truth label.</summary>
public sealed record LabeledPrediction(StoredPrediction Prediction, string Label, string Source);
