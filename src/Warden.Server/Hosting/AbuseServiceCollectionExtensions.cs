using Warden.Core.Storage.Sql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Abuse;
using Warden.Core.Inference;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;

namespace Warden.Server.Hosting;

/// <summary>Registers abuse detection (extraction, volume anomalies, feature sweeps): the <c>abuse-policy</c> settings kind, its interceptor and background monitor.</summary>
public static class AbuseServiceCollectionExtensions
{
    /// <summary>Adds the abuse monitor (opt-in per model through an <c>abuse-policy</c> settings document).</summary>
    public static IServiceCollection AddWardenAbuse(this IServiceCollection services)
    {
        services.TryAddSingleton<IAbuseAlertStore, SqlAbuseAlertStore>();
        services.TryAddSingleton<AbuseMonitor>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AbuseMonitor>());
        services.AddWardenSettingsKind<AbusePolicy>(AbusePolicy.Kind, policy => policy.Validate());
        services.AddSingleton<InferenceInterceptor, AbuseInterceptor>();
        return services;
    }
}
