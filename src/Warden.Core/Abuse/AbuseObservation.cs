namespace Warden.Core.Abuse;

/// <summary>One answered row queued for the detectors: who asked which model what, and when.</summary>
/// <param name="KeyId">API key id.</param>
/// <param name="KeyName">API key name (the bootstrap admin key is never suspended).</param>
/// <param name="Model">Model name.</param>
/// <param name="Features">The row's numeric inputs in the policy's feature order.</param>
/// <param name="At">When the request was answered.</param>
public sealed record AbuseObservation(string KeyId, string KeyName, string Model, double[] Features, DateTimeOffset At);
