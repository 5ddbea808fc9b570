namespace Warden.Core.Predictions;

/// <summary>Filter for reading the prediction log.</summary>
public sealed record PredictionQuery(string? Model = null, DateTimeOffset? Since = null, long After = 0, int Limit = 100);
