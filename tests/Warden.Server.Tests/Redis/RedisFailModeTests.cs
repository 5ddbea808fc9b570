using System.Net;
using System.Text.Json;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Redis;

/// <summary>What requests get while the configured Redis is unreachable (a port nothing listens on).</summary>
public sealed class RedisFailModeTests
{
    [Fact]
    public async Task Fail_closed_refuses_limited_keys_with_503_json_and_counts_it()
    {
        using var factory = new WardenFactory();
        factory.Settings["ConnectionStrings:Redis"] = RedisTestServer.Unreachable;
        factory.Settings["Warden:Redis:OnFailure"] = "closed";
        var limited = factory.Authorized(await CreateAsync(factory, new { name = "l", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 5.0 }));
        var unlimited = factory.Authorized(await CreateAsync(factory, new { name = "u", role = "consumer", models = new[] { "credit-risk" } }));

        var refused = await limited.InferAsync(V2Requests.CreditRisk());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("unreachable", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Keys and models without limits never need Redis: a plain protocol call is untouched.
        Assert.Equal(HttpStatusCode.OK, (await unlimited.InferAsync(V2Requests.CreditRisk())).StatusCode);

        var metrics = await factory.Admin().GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("warden_redis_unavailable_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("outcome=\"refused\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_open_admits_limited_keys()
    {
        using var factory = new WardenFactory();
        factory.Settings["ConnectionStrings:Redis"] = RedisTestServer.Unreachable;
        var limited = factory.Authorized(await CreateAsync(factory, new { name = "l", role = "consumer", models = new[] { "credit-risk" }, rateLimit = 0.001, burst = 1 }));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await limited.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }
    }

    [Fact]
    public async Task Invalid_fail_mode_stops_the_server_at_start()
    {
        using var factory = new WardenFactory();
        factory.Settings["ConnectionStrings:Redis"] = RedisTestServer.Unreachable;
        factory.Settings["Warden:Redis:OnFailure"] = "sometimes";
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("OnFailure", error.ToString(), StringComparison.Ordinal);
    }
}
