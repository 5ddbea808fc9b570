using System.Net;
using Microsoft.Extensions.Time.Testing;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Security;

public sealed class RateLimitBurstTests
{
    [Fact]
    public async Task Concurrent_burst_admits_no_more_than_the_bucket_holds()
    {
        // The clock is frozen, so no token is added during the burst: exactly the bucket size may succeed.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 1.0, burst = 5 });
        var client = factory.Authorized(key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => client.InferAsync(V2Requests.CreditRisk())));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(55, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Concurrent_burst_on_a_model_limit_and_daily_quota_admits_at_most_the_quota()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        await PutSettingsAsync(factory, "credit-risk", "rate-limit", """{"dailyQuota": 7}""");
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" } });
        var client = factory.Authorized(key);
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.InferAsync(V2Requests.CreditRisk())));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
    }
}
