using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Core.Events;

namespace Warden.Server.Webhooks;

/// <summary>
/// Delivers published events to subscribed webhooks: JSON body, <c>X-Warden-Event</c>, <c>X-Warden-Delivery</c> (the event
/// id, for de-duplication) and an HMAC-SHA256 signature; failed deliveries are retried with exponential back-off.
/// </summary>
public sealed partial class WebhookDispatcher(
    EventPublisher events,
    IOptionsMonitor<WebhookOptions> options,
    HttpClient http,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private long _delivered;

    /// <summary>Successful deliveries since start.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in events.Reader.ReadAllAsync(stoppingToken))
            {
                var settings = options.CurrentValue;
                var targets = settings.Subscriptions.Where(s => s.Wants(item.Type)).ToList();
                if (targets.Count == 0)
                {
                    continue;
                }

                var body = JsonSerializer.SerializeToUtf8Bytes(new { id = item.Id, type = item.Type, time = item.Time, data = item.Data }, Json);
                await Task.WhenAll(targets.Select(t => DeliverAsync(t, item, body, settings, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task DeliverAsync(WebhookSubscription target, WardenEvent item, byte[] body, WebhookOptions settings, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; attempt <= Math.Max(1, settings.MaxAttempts); attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-Warden-Event", item.Type);
                request.Headers.Add("X-Warden-Delivery", item.Id);
                if (!string.IsNullOrEmpty(target.Secret))
                {
                    request.Headers.Add("X-Warden-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(target.Secret), body)));
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
                using var response = await http.SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _delivered);
                    return;
                }

                LogFailed(item.Type, target.Url, attempt, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogFailed(item.Type, target.Url, attempt, ex.GetType().Name);
            }

            await Task.Delay(delay, time, stoppingToken);
            delay *= 2;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Webhook delivery of {EventType} to {Url} failed (attempt {Attempt}): {Reason}")]
    private partial void LogFailed(string eventType, string url, int attempt, string reason);
}
