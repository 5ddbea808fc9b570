using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Redis;

namespace Warden.Server.Tests.Redis;

/// <summary>
/// The Redis the tests use: <c>WARDEN_TEST_REDIS</c> (host:port; <c>.ci/run</c> starts one on 127.0.0.1:56379). Tests skip
/// without it on a developer machine and fail without it in CI. Each test gets its own key prefix.
/// </summary>
internal static class RedisTestServer
{
    /// <summary>A port nothing listens on, for outage tests.</summary>
    public const string Unreachable = "127.0.0.1:1,connectTimeout=300,connectRetry=0";

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static string Require()
    {
        var address = Environment.GetEnvironmentVariable("WARDEN_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(address))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("WARDEN_TEST_REDIS is not set; .ci/run starts Redis and exports it");
            }

            Assert.Skip("WARDEN_TEST_REDIS is not set (for example 127.0.0.1:56379)");
        }

        return address!;
    }

    public static string NewPrefix() => "warden-test:" + Guid.NewGuid().ToString("N")[..12] + ":";

    public static RedisConnection Connect(string configuration, string prefix, string onFailure = RedisOptions.FailOpen) =>
        new(Options.Create(new RedisOptions { ConnectionString = configuration, KeyPrefix = prefix, OnFailure = onFailure }), Meters, NullLogger<RedisConnection>.Instance);
}
