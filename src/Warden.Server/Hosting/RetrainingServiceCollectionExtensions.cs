using Warden.Core.Storage.Sql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Monitoring;
using Warden.Core.Retraining;
using Warden.Storage.Sqlite;
using Warden.Training.Retraining;

namespace Warden.Server.Hosting;

/// <summary>Registers retraining jobs: the queue, the worker, the triggers and the <c>retrain-policy</c> settings kind.</summary>
public static class RetrainingServiceCollectionExtensions
{
    /// <summary>Adds retraining with the built-in credit-risk retrainer (replace <see cref="ModelRetrainer"/> to train other models).</summary>
    public static IServiceCollection AddWardenRetraining(this IServiceCollection services)
    {
        services.AddOptions<RetrainingOptions>().BindConfiguration("Warden:Retraining").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IRetrainJobStore, SqlRetrainJobStore>();
        services.TryAddSingleton<ModelRetrainer, CreditRiskRetrainer>();
        services.TryAddSingleton<TrainingDataPaths>();
        services.TryAddSingleton<RetrainingService>();
        services.TryAddSingleton<RetrainJobRunner>();
        services.TryAddSingleton<RetrainWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetrainWorker>());
        services.AddSingleton<IDriftAlertListener>(sp => sp.GetRequiredService<RetrainingService>());
        services.AddSingleton<IScheduledMonitor, RetrainTriggers>();
        services.AddWardenSettingsKind<RetrainPolicySettings>(RetrainPolicySettings.Kind, d => d.Validate());
        return services;
    }
}
