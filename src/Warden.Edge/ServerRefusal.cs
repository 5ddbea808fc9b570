namespace Warden.Edge;

/// <summary>The server's refusal of a device request (shown by <c>/edge/status</c> and logged).</summary>
/// <param name="Time">When it happened.</param>
/// <param name="Request">What was refused, e.g. <c>telemetry</c>.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="Reason">The server's reason.</param>
public sealed record ServerRefusal(DateTimeOffset Time, string Request, int Status, string Reason);
