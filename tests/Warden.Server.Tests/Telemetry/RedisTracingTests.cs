using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.RateLimiting;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Redis;

namespace Warden.Server.Tests.Telemetry;

public sealed class RedisTracingTests
{
    [Fact]
    public async Task Redis_commands_of_a_shared_rate_limit_are_traced_when_tracing_is_on()
    {
        var address = RedisTestServer.Require();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var factory = new WardenFactory();
        factory.Settings["ConnectionStrings:Redis"] = address;
        factory.Settings["Warden:Redis:KeyPrefix"] = RedisTestServer.NewPrefix();
        // Tracing is on once an exporter is asked for; the collector's absence only costs failed exports.
        factory.Settings["OTEL_TRACES_EXPORTER"] = "otlp";
        factory.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        _ = factory.Admin();
        var backend = factory.Services.GetRequiredService<IRateLimitBackend>();

        Assert.True(backend.TryTake("traced\nrate", 0.001, 5).Allowed);

        // The instrumentation turns profiled commands into spans on its flush interval (1 s as Warden configures it).
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!spans.Any(IsRedisCommand) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Contains(spans, IsRedisCommand);
    }

    private static bool IsRedisCommand(Activity span) =>
        span.Tags.Any(t => t.Key is "db.system" or "db.system.name" && t.Value == "redis");
}
