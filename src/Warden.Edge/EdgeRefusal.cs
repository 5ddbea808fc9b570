namespace Warden.Edge;

/// <summary>A bundle the agent refused or stopped serving, and why (shown by <c>/edge/status</c> and logged).</summary>
/// <param name="Time">When it happened.</param>
/// <param name="BundleId">The bundle.</param>
/// <param name="Model">Its model, when known.</param>
/// <param name="Failure">The check that failed (a <see cref="Warden.Core.Bundles.BundleFailure"/> name).</param>
/// <param name="Reason">The message, e.g. whom the model is encrypted for.</param>
public sealed record EdgeRefusal(DateTimeOffset Time, string BundleId, string? Model, string Failure, string Reason);
