using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Warden.Core.Retraining;
using Warden.Core.Storage;

namespace Warden.Storage.PostgreSql;

/// <summary>Registers the PostgreSQL store.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Uses PostgreSQL for every store (registered with <c>TryAdd</c> before the SQLite defaults, so call this first) and
    /// checks, or with <paramref name="migrateAtStart"/> upgrades, the schema before the server starts.
    /// </summary>
    public static IServiceCollection AddWardenPostgreSql(this IServiceCollection services, string connectionString, bool migrateAtStart = false)
    {
        services.TryAddSingleton(_ => new PostgresDatabase(connectionString));
        services.TryAddSingleton<IModelStore, PostgresModelStore>();
        services.TryAddSingleton<IModelBlobStore, PostgresModelBlobStore>();
        services.TryAddSingleton<IKeyStore, PostgresKeyStore>();
        services.TryAddSingleton<IAuditStore, PostgresAuditStore>();
        services.TryAddSingleton<IPredictionStore, PostgresPredictionStore>();
        services.TryAddSingleton<IFeedbackStore, PostgresFeedbackStore>();
        services.TryAddSingleton<ISettingsStore, PostgresSettingsStore>();
        services.TryAddSingleton<IUsageStore, PostgresUsageStore>();
        services.TryAddSingleton<IFairnessAuditStore, PostgresFairnessAuditStore>();
        services.TryAddSingleton<IReferenceProfileStore, PostgresReferenceProfileStore>();
        services.TryAddSingleton<IAbuseAlertStore, PostgresAbuseAlertStore>();
        services.TryAddSingleton<IRetrainJobStore, PostgresRetrainJobStore>();
        services.AddSingleton<IHostedService>(sp => new PostgresSchemaCheck(sp.GetRequiredService<PostgresDatabase>(), migrateAtStart));
        return services;
    }
}
