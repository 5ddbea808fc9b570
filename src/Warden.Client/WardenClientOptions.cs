namespace Warden.Client;

/// <summary>Where a registered <see cref="WardenClient"/> connects and how (<c>services.AddWardenClient(o =&gt; …)</c>).</summary>
public sealed class WardenClientOptions
{
    /// <summary>The server URL, e.g. <c>http://localhost:8080/</c> (required).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key, sent as a bearer token on each request; null for unauthenticated calls (health only).</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one attempt may take (an upload of a large model counts as one): 1 second to 1 hour, 100 seconds by default.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Retries of a failed read (GET) on a transient error: 5xx, 408, 429 (after its Retry-After) or a lost connection;
    /// 0 to 10, 3 by default. Requests that change state (inference, deploy, feedback) are never repeated.
    /// </summary>
    public int MaxRetries { get; set; } = 3;
}
