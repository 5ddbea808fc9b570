using System.Net;
using System.Net.Http.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Console;

/// <summary>The console's server-sent event streams: the current count at once, and a new event when it changes.</summary>
public sealed class ConsoleLiveEventsTests
{
    [Fact]
    public async Task Review_stream_sends_the_pending_count_at_once_and_again_when_a_held_request_arrives()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var policy = await admin.PutAsync("/api/models/credit-risk/settings/review-policy",
            V2Requests.Raw("""{"mode": "hold", "rule": "lvrat > 1.2", "labels": ["approve", "deny"]}"""), ct);
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync(ct));
        var reviewer = await admin.PostAsJsonAsync("/api/keys", new { name = "reviewer", role = "reviewer" }, ct);
        var session = await ConsoleSessions.SignInAsync(factory, (await reviewer.Content.ReadFromJsonAsync<CreatedKey>(ct))!.Secret);

        using var response = await session.GetAsync("/reviews/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        Assert.Equal(("count", """{"pending":0}"""), await NextEventAsync(stream, ct));

        var held = await admin.InferAsync(V2Requests.CreditRisk([0.3, 0.3, 1.5, 5, 2, 0, 3.9, 0, 0, 0, 0, 1]));
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        Assert.Equal(("count", """{"pending":1}"""), await NextEventAsync(stream, ct));
    }

    [Fact]
    public async Task Event_streams_refuse_roles_that_may_not_open_their_pages()
    {
        using var factory = new WardenFactory();
        var created = await factory.Admin().PostAsJsonAsync("/api/keys", new { name = "consumer", role = "consumer", models = new[] { "credit-risk" } });
        var session = await ConsoleSessions.SignInAsync(factory, (await created.Content.ReadFromJsonAsync<CreatedKey>())!.Secret);
        foreach (var path in new[] { "/reviews/events", "/usage/events" })
        {
            using var response = await session.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    // The next event's type and data (one data line each: the console's events are single-line JSON).
    private static async Task<(string? Type, string? Data)> NextEventAsync(StreamReader stream, CancellationToken ct)
    {
        string? type = null;
        string? data = null;
        while (await stream.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (type, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        return (type, data);
    }
}
