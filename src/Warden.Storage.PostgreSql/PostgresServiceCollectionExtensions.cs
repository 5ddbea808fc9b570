using Warden.Core.Storage.Sql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        services.TryAddSingleton<SqlDatabase>(sp => sp.GetRequiredService<PostgresDatabase>());
        services.TryAddSingleton<IModelStore, SqlModelStore>();
        services.TryAddSingleton<IModelBlobStore, PostgresModelBlobStore>();
        services.TryAddSingleton<IKeyStore, SqlKeyStore>();
        services.TryAddSingleton<IAuditStore, SqlAuditStore>();
        services.TryAddSingleton<SqlPredictionStore>();
        services.TryAddSingleton<IPredictionStore>(sp => sp.GetRequiredService<SqlPredictionStore>());
        services.TryAddSingleton<IFeedbackStore, SqlFeedbackStore>();
        services.TryAddSingleton<ISettingsStore, SqlSettingsStore>();
        services.TryAddSingleton<IUsageStore, SqlUsageStore>();
        services.TryAddSingleton<IFairnessAuditStore, SqlFairnessAuditStore>();
        services.TryAddSingleton<IReferenceProfileStore, SqlReferenceProfileStore>();
        services.TryAddSingleton<IDriftHistoryStore, SqlDriftHistoryStore>();
        services.TryAddSingleton<IAbuseAlertStore, SqlAbuseAlertStore>();
        services.TryAddSingleton<IRetrainJobStore, SqlRetrainJobStore>();
        services.AddSingleton<IHostedService>(sp => new PostgresSchemaCheck(sp.GetRequiredService<PostgresDatabase>(), migrateAtStart, sp.GetService<ILogger<PostgresSchemaCheck>>()));
        return services;
    }
}
