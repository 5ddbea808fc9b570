using Warden.Core.Storage.Sql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Core.Access;
using Warden.Core.Inference;
using Warden.Core.Policies;
using Warden.Core.RateLimiting;
using Warden.Core.Storage;
using Warden.Storage.Sqlite;
using Warden.Core.Usage;

namespace Warden.Server.Hosting;

/// <summary>Registers misuse and abuse controls: usage policies and purposes, input and output policies, rate limits and quotas, usage counts.</summary>
public static class PolicyServiceCollectionExtensions
{
    /// <summary>Adds the policy interceptors, their settings kinds, the rate-limit backend and the usage meter.</summary>
    public static IServiceCollection AddWardenPolicies(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration("Warden:RateLimits").ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IRateLimitBackend, InMemoryRateLimitBackend>();
        services.TryAddSingleton<IUsageStore, SqlUsageStore>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ModelCardCache>();
        services.TryAddSingleton<PolicyAuditQueue>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PolicyAuditQueue>());
        services.AddHostedService<UsageFlusher>();

        services.AddWardenSettingsKind<UsagePolicy>(UsagePolicy.Kind);
        services.AddWardenSettingsKind<KeyLimits>(RateLimitInterceptor.Kind, limits => limits.Validate());
        services.AddWardenSettingsKind<InputPolicy>(InputPolicy.Kind, policy => policy.Validate());
        services.AddWardenSettingsKind<OutputPolicy>(OutputPolicy.Kind, policy => policy.Validate());

        services.AddSingleton<InferenceInterceptor, UsageInterceptor>();
        services.AddSingleton<InferenceInterceptor, RateLimitInterceptor>();
        services.AddSingleton<InferenceInterceptor, UsagePolicyInterceptor>();
        services.AddSingleton<InferenceInterceptor, InputPolicyInterceptor>();
        services.AddSingleton<InferenceInterceptor, OutputPolicyInterceptor>();
        return services;
    }
}
