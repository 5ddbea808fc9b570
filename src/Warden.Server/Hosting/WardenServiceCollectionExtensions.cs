using Warden.Core.Storage.Sql;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warden.WebConsole.Hosting;
using Warden.Server.ApiContract;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Cluster;
using Warden.Core.Events;
using Warden.Core.EdgeFleet;
using Warden.Core.Inference;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Serving;
using Warden.Core.Settings;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;
using Warden.Core.Telemetry;
using Warden.Core.Usage;
using Warden.Redis;
using Warden.Server.Auth;
using Warden.Server.Webhooks;

namespace Warden.Server.Hosting;

/// <summary>Registers Warden's services.</summary>
public static class WardenServiceCollectionExtensions
{
    /// <summary>
    /// Adds the serving core: options, the embedded store, registry, keys, audit chain, prediction log, auth, metric
    /// instruments, OpenAPI. Their export (Prometheus, OTLP) is wired by <see cref="TelemetryHostBuilderExtensions.AddWardenTelemetry"/>.
    /// </summary>
    public static IServiceCollection AddWarden(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WardenOptions>().BindConfiguration("Warden").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OnnxOptions>().BindConfiguration("Warden:Onnx").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PredictionLogOptions>().BindConfiguration("Warden:PredictionLog").ValidateDataAnnotations().ValidateOnStart();

        // Before the in-process defaults: with ConnectionStrings:Redis set, limits, cache invalidation and job leases are shared.
        services.AddWardenRedis();
        services.AddWardenSqliteStore();
        services.TryAddSingleton<IModelBlobStore>(sp => new ModelBlobStore(Path.GetFullPath(sp.GetRequiredService<IOptions<WardenOptions>>().Value.DataDir)));
        services.TryAddSingleton<AuditLog>();
        services.AddOptions<AuditCheckpointOptions>().BindConfiguration("Warden:Audit");
        services.TryAddSingleton<AuditCheckpointer>();
        services.AddHostedService<AuditCheckpointWorker>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<ExecutionStatistics>();
        services.TryAddSingleton<ModelRegistry>();
        services.TryAddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ModelRegistry>());
        services.AddWardenSettingsKind<ServingSettings>(ServingSettings.Kind, settings => settings.Validate());
        services.AddWardenSettingsKind<RetentionPolicy>(RetentionPolicy.Kind, policy => policy.Validate());
        services.AddOptions<RetentionOptions>().BindConfiguration("Warden:Retention").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ModelRepositoryLoader>();
        services.TryAddSingleton<PredictionLog>();
        services.TryAddSingleton<PredictionLogWriter>();
        services.TryAddSingleton<WardenMetrics>();
        services.TryAddSingleton<InferenceService>();
        services.TryAddSingleton<EventPublisher>();
        services.TryAddSingleton<ModelSettings>();
        services.AddWardenContext();
        services.AddOptions<WebhookOptions>().BindConfiguration("Warden:Webhooks");
        services.AddHttpClient<WebhookDispatcher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddOptions<EdgeFleetOptions>().BindConfiguration("Warden:Edge");
        services.TryAddSingleton(sp => new EdgeFleetService(
            sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<IModelBlobStore>(), sp.GetRequiredService<IOptions<EdgeFleetOptions>>(),
            sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SqlPredictionStore>(), sp.GetRequiredService<UsageMeter>(),
            Path.GetFullPath(sp.GetRequiredService<IOptions<WardenOptions>>().Value.DataDir))
        { Metrics = sp.GetRequiredService<WardenMetrics>() });

        // The bootstrapper runs before the writer so that the store and registry are ready before traffic.
        services.AddHostedService<WardenBootstrapper>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLogWriter>());
        services.TryAddSingleton<PredictionRetentionJob>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PredictionRetentionJob>());
        services.TryAddSingleton<ClusterCacheSync>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ClusterCacheSync>());

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddWardenPolicies();

        services.AddWardenPolicies();
        services.AddWardenMonitoring();
        services.AddWardenRetraining();
        services.AddWardenAbuse();
        services.AddWardenPrivacy();
        services.AddWardenOpenApi();
        services.AddWardenConsole();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WardenOptions>>((kestrel, warden) =>
            kestrel.Limits.MaxRequestBodySize = warden.Value.MaxRequestBodyBytes + 1024);

        // Replaces Kestrel's registration (the last one wins): large tensors arrive in 64 KiB reads, not 4 KiB ones.
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, ReceiveBlockPool.Factory>();
        return services;
    }

    /// <summary>Registers a kind of per-model settings document (served at <c>/api/models/{model}/settings/{name}</c>).</summary>
    public static IServiceCollection AddWardenSettingsKind<T>(this IServiceCollection services, string name, Func<T, IReadOnlyList<string>>? validate = null)
        where T : class =>
        services.AddSingleton(new SettingsKind(name, typeof(T), validate is null ? null : (_, document) => validate((T)document)));

    /// <summary>Registers a kind of settings document whose validation needs services and the model name (e.g. the registry).</summary>
    public static IServiceCollection AddWardenSettingsKind<T>(this IServiceCollection services, string name, Func<IServiceProvider, string, T, IReadOnlyList<string>> validate)
        where T : class =>
        services.AddSingleton(sp => new SettingsKind(name, typeof(T), (model, document) => validate(sp, model, (T)document)));

    /// <summary>Uses the embedded SQLite store at <c>&lt;DataDir&gt;/warden.db</c>.</summary>
    public static IServiceCollection AddWardenSqliteStore(this IServiceCollection services)
    {
        // Commits are fsynced unless the operator chose asynchronous durability for the prediction log; the log's own
        // commits are fsynced after they return, by a group sync, unless SyncMode says inside each commit.
        services.TryAddSingleton(sp =>
        {
            var log = sp.GetRequiredService<IOptions<PredictionLogOptions>>().Value;
            return new SqliteDatabase(
                Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<WardenOptions>>().Value.DataDir), "warden.db"),
                log.Durability == PredictionDurability.Acknowledged, pipelinedSync: log.SyncMode == PredictionLogSync.Pipelined,
                metrics: sp.GetService<WardenMetrics>());
        });
        services.TryAddSingleton<SqlDatabase>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.TryAddSingleton<IModelStore, SqlModelStore>();
        services.TryAddSingleton<IKeyStore, SqlKeyStore>();
        services.TryAddSingleton<IAuditStore, SqlAuditStore>();
        services.TryAddSingleton<SqlPredictionStore>();
        services.TryAddSingleton<IPredictionStore>(sp => sp.GetRequiredService<SqlPredictionStore>());
        services.TryAddSingleton<IFeedbackStore, SqlFeedbackStore>();
        services.TryAddSingleton<ISettingsStore, SqlSettingsStore>();
        return services;
    }
}
