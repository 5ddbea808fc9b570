using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Registry;

namespace Warden.Server.Hosting;

/// <summary>
/// Brings a node up before it takes traffic: loads the registry, the model repository (or, on an empty registry, the bundled
/// demo models), and makes sure an admin key exists. A generated admin key is printed once to standard output — never
/// to the logs.
/// </summary>
public sealed partial class WardenBootstrapper(
    ModelRegistry registry,
    Warden.Core.Settings.ModelSettings modelSettings,
    ModelRepositoryLoader loader,
    ApiKeyService keys,
    IOptions<WardenOptions> options,
    ILogger<WardenBootstrapper> logger) : IHostedService
{
    /// <summary>Folder beside the executable holding the demo model repository.</summary>
    public static string DemoModelsPath => Path.Combine(AppContext.BaseDirectory, "demo-models");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await registry.InitializeAsync(cancellationToken);
        await modelSettings.LoadAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(settings.ModelRepository))
        {
            var count = await loader.LoadAsync(settings.ModelRepository, cancellationToken);
            LogRepository(settings.ModelRepository, count);
        }
        else if (settings.LoadDemoModels && registry.Models.Count == 0 && Directory.Exists(DemoModelsPath))
        {
            var count = await loader.LoadAsync(DemoModelsPath, cancellationToken);
            LogRepository("demo models", count);
        }

        var bootstrap = settings.AdminKey ?? Environment.GetEnvironmentVariable("WARDEN_ADMIN_KEY");
        if (!string.IsNullOrWhiteSpace(bootstrap))
        {
            await keys.EnsureAsync("bootstrap-admin", WardenRoles.Admin, bootstrap.Trim(), cancellationToken);
            return;
        }

        var all = await keys.ListAsync(cancellationToken);
        if (!all.Any(k => k.Role == WardenRoles.Admin && k.RevokedAt is null))
        {
            var (record, secret) = await keys.CreateAsync("system", "bootstrap-admin", WardenRoles.Admin, [], null, cancellationToken);
            await Console.Out.WriteLineAsync($"""

                Warden created an admin API key ({record.Id}). It is shown only this once; store it now:

                    {secret}

                """);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Loaded {Count} new model versions from {Repository}")]
    private partial void LogRepository(string repository, int count);
}
