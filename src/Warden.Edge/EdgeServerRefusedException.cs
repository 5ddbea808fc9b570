namespace Warden.Edge;

/// <summary>
/// The server answered a device request with a client error (4xx): it was reached and said no — a device key it does
/// not accept, a device id bound to another key, a body it cannot read. Unlike being offline, retrying unchanged will not help.
/// </summary>
public sealed class EdgeServerRefusedException(string request, int status, string reason)
    : Exception($"the server refused {request}: {status} {reason}")
{
    /// <summary>What was refused, e.g. <c>telemetry</c>.</summary>
    public string Request { get; } = request;

    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The server's reason (its error text).</summary>
    public string Reason { get; } = reason;
}
