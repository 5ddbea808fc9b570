using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Explanations;
using Warden.Core.Inference;
using Warden.Core.Pipelines;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Review;

namespace Warden.Server.Hosting;

/// <summary>Registers context understanding: explanations, human review, pipelines and model cards.</summary>
public static class ContextServiceCollectionExtensions
{
    /// <summary>Adds the background store, the explanation service, the review queue and its interceptor, and pipelines.</summary>
    public static IServiceCollection AddWardenContext(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new BackgroundStore(Path.GetFullPath(sp.GetRequiredService<IOptions<WardenOptions>>().Value.DataDir)));
        services.TryAddSingleton<ExplanationService>();
        services.TryAddSingleton<ExplanationJobQueue>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ExplanationJobQueue>());
        services.AddSingleton<InferenceInterceptor, ExplanationAuditInterceptor>();
        services.TryAddSingleton<ReviewStore>();
        services.TryAddSingleton<ReviewQueue>();
        services.AddWardenSettingsKind<ReviewPolicy>(ReviewPolicy.Kind, (sp, model, policy) => policy.Validate(sp.GetRequiredService<ModelRegistry>().InputNames(model)));
        services.AddSingleton<InferenceInterceptor, ReviewInterceptor>();
        services.AddHostedService<ReviewWorker>();
        services.AddSingleton(sp => new SettingsKind(PipelineDocument.Kind, typeof(PipelineDocument), (served, document) =>
        {
            var registry = sp.GetRequiredService<ModelRegistry>();
            return PipelineValidator.Validate((PipelineDocument)document, (model, version) =>
                registry.Models.TryGetValue(model, out var registered) && (version ?? registered.ProductionVersion) is { } label && registered.Loaded.ContainsKey(label),
                registry.InputNames, served);
        }));
        services.AddSingleton<InferenceInterceptor, PipelineInterceptor>();
        services.TryAddSingleton<ModelCardSources>();
        return services;
    }
}
