namespace Warden.Core.Events;

/// <summary>Something that happened which subscribers (webhooks) may want to know: an alert, a review, a failed audit.</summary>
/// <param name="Type">Dotted event type, e.g. <c>review.created</c>, <c>abuse.extraction_suspected</c>.</param>
/// <param name="Time">When it happened.</param>
/// <param name="Data">Event payload, serialised as JSON.</param>
public sealed record WardenEvent(string Type, DateTimeOffset Time, object Data)
{
    /// <summary>Unique id subscribers use to de-duplicate retried deliveries.</summary>
    public string Id { get; init; } = Guid.NewGuid().ToString("N");
}
