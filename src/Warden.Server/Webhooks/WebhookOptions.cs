namespace Warden.Server.Webhooks;

/// <summary>Webhook subscriptions (<c>Warden:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Where events are posted.</summary>
    public List<WebhookSubscription> Subscriptions { get; set; } = [];

    /// <summary>Delivery attempts per event and subscriber before giving up. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Timeout of one delivery attempt, in seconds. Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;
}
