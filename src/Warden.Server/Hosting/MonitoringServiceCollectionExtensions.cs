using Warden.Core.Storage.Sql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Inference;
using Warden.Core.Monitoring;
using Warden.Core.Registry;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;

namespace Warden.Server.Hosting;

/// <summary>Registers monitoring: fairness audits of live traffic, the promotion gates and the monitoring scheduler.</summary>
public static class MonitoringServiceCollectionExtensions
{
    /// <summary>Adds fairness audits, drift over traffic, group thresholds, shadow/canary rollout and their settings kinds.</summary>
    public static IServiceCollection AddWardenMonitoring(this IServiceCollection services)
    {
        services.AddOptions<MonitoringOptions>().BindConfiguration("Warden:Monitoring").ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure<IOptions<WardenOptions>>((monitoring, warden) =>
            {
                // A version deployed from a model repository finds its background.csv there (the demo models ship beside the executable).
                if (!string.IsNullOrWhiteSpace(warden.Value.ModelRepository))
                {
                    monitoring.RepositoryPaths.Add(warden.Value.ModelRepository);
                }

                monitoring.RepositoryPaths.Add(WardenBootstrapper.DemoModelsPath);
            });
        services.TryAddSingleton<IFairnessAuditStore, SqlFairnessAuditStore>();
        services.TryAddSingleton<FairnessAuditService>();
        services.AddWardenSettingsKind<FairnessPolicySettings>(FairnessPolicySettings.Kind, d => d.Validate());
        services.AddSingleton<IPromotionGate, FairnessPromotionGate>();
        services.AddSingleton<IScheduledMonitor, ScheduledFairnessAudits>();
        services.TryAddSingleton<IReferenceProfileStore, SqlReferenceProfileStore>();
        services.TryAddSingleton<ReferenceProfiles>();
        services.TryAddSingleton<IDriftHistoryStore, SqlDriftHistoryStore>();
        services.TryAddSingleton<LiveDriftService>();
        services.AddWardenSettingsKind<DriftRulesSettings>(DriftRulesSettings.Kind, d => d.Validate());
        services.AddSingleton<IScheduledMonitor, ScheduledDriftRules>();
        services.TryAddSingleton<RolloutState>();
        services.TryAddSingleton<RolloutComparison>();
        services.TryAddSingleton<CanaryGuard>();
        services.AddWardenSettingsKind<RolloutSettings>(RolloutSettings.Kind, (sp, model, d) => d.Validate(
            model, version => sp.GetRequiredService<ModelRegistry>().Models.TryGetValue(model, out var registered) && registered.IsServable(version)));
        services.AddSingleton<InferenceInterceptor, RolloutInterceptor>();
        services.AddSingleton<IScheduledMonitor>(sp => sp.GetRequiredService<CanaryGuard>());
        services.AddSingleton<IPromotionGate, ChallengerPromotionGate>();
        services.TryAddSingleton<ShadowRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ShadowRunner>());
        services.AddWardenSettingsKind<GroupThresholdSettings>(GroupThresholdSettings.Kind, d => d.Validate());
        services.AddSingleton<InferenceInterceptor, GroupThresholdInterceptor>();
        services.AddSingleton<IPromotionGate, GroupThresholdPromotionGate>();
        services.AddSingleton<InferenceInterceptor, MixtureLabelInterceptor>();
        services.TryAddSingleton<MonitoringScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<MonitoringScheduler>());
        return services;
    }
}
