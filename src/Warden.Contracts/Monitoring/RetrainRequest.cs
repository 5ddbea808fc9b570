namespace Warden.Contracts.Monitoring;

/// <summary>Body of <c>POST /api/models/{model}/retrain</c> (optional).</summary>
public sealed class RetrainRequest
{
    /// <summary>Labelled training CSV (under an allowed data root); the <c>retrain-policy</c>'s when null.</summary>
    public string? TrainingData { get; set; }

    /// <summary>Example weight of each labelled feedback row (finite, 1 to 1000); the <c>retrain-policy</c>'s (default 1) when null.</summary>
    public double? FeedbackWeight { get; set; }
}
