namespace Warden.Server.Webhooks;

/// <summary>One webhook endpoint and the events it wants.</summary>
public sealed class WebhookSubscription
{
    /// <summary>Absolute http(s) URL.</summary>
    public string Url { get; set; } = "";

    /// <summary>Event types (exact, or a prefix ending in <c>*</c> such as <c>review.*</c>); empty means all.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Shared secret; deliveries carry <c>X-Warden-Signature: sha256=&lt;HMAC of the body&gt;</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>True when this subscription wants <paramref name="type"/>.</summary>
    public bool Wants(string type) =>
        Events.Count == 0 || Events.Any(e => e == "*" || e == type || (e.EndsWith('*') && type.StartsWith(e[..^1], StringComparison.Ordinal)));
}
