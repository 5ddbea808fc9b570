using System.Net;
using Microsoft.Extensions.Time.Testing;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Token_bucket_refuses_beyond_burst_with_retry_after_and_refills_with_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 2.0, burst = 3 });
        var client = factory.Authorized(key);
        for (var i = 0; i < 3; i++)
        {
            var ok = await client.InferAsync(V2Requests.CreditRisk());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("RateLimit-Limit").Single());
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("RateLimit-Remaining").Single());
        }

        var refused = await client.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // 2 tokens per second: the next token is 0.5 s away, reported as 1 whole second.
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", refused.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.Equal("2", refused.Headers.GetValues("RateLimit-Reset").Single()); // 3 tokens missing / 2 per s = 1.5 s → 2

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Daily_quota_resets_at_utc_midnight()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        var key = await CreateAsync(factory, new { name = "c", role = "consumer", models = new[] { "credit-risk" }, dailyQuota = 2 });
        var client = factory.Authorized(key);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
        var refused = await client.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("3600", refused.Headers.GetValues("Retry-After").Single());
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Model_rate_limit_applies_per_key_and_not_to_the_bootstrap_admin()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var factory = new WardenFactory { Time = time };
        await PutSettingsAsync(factory, "credit-risk", "rate-limit", """{"rateLimit": 1, "burst": 1}""");
        var a = factory.Authorized(await CreateAsync(factory, new { name = "a", role = "consumer", models = new[] { "credit-risk" } }));
        var b = factory.Authorized(await CreateAsync(factory, new { name = "b", role = "consumer", models = new[] { "credit-risk" } }));
        Assert.Equal(HttpStatusCode.OK, (await a.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.InferAsync(V2Requests.CreditRisk())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.InferAsync(V2Requests.CreditRisk())).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk())).StatusCode);
        }
    }

    [Fact]
    public async Task Invalid_limits_are_refused_at_key_creation()
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PostAsync("/api/keys", V2Requests.Raw("""{"name":"x","role":"consumer","rateLimit":-1}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
