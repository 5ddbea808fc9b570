using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warden.Core.Cluster;
using Warden.Core.RateLimiting;
using Warden.Redis.Cluster;
using Warden.Redis.RateLimiting;

namespace Warden.Redis;

/// <summary>Registers the Redis-backed shared state.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Warden:Redis</c> and <c>ConnectionStrings:Redis</c>, and registers the rate-limit backend, cluster signals
    /// and job leases: the Redis ones when a connection string is set, the in-process ones otherwise. Call before anything
    /// that registers the in-process defaults with <c>TryAdd</c>.
    /// </summary>
    public static IServiceCollection AddWardenRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>()
            .BindConfiguration("Warden:Redis")
            .Configure<IConfiguration>((options, configuration) => options.ConnectionString ??= configuration.GetConnectionString("Redis"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<IRateLimitBackend>(sp => Configured(sp)
            ? ActivatorUtilities.CreateInstance<RedisRateLimitBackend>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryRateLimitBackend>(sp));
        services.TryAddSingleton<IClusterSignals>(sp => Configured(sp)
            ? ActivatorUtilities.CreateInstance<RedisClusterSignals>(sp)
            : new LocalClusterSignals());
        services.TryAddSingleton<IJobLeases>(sp => Configured(sp)
            ? ActivatorUtilities.CreateInstance<RedisJobLeases>(sp)
            : new LocalJobLeases());
        return services;
    }

    private static bool Configured(IServiceProvider services) => services.GetRequiredService<IOptions<RedisOptions>>().Value.IsConfigured;
}
