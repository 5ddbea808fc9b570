using Warden.WebConsole.Hosting;
using Warden.Server.Apis;
using Warden.Server.Hosting;
using Warden.Server.Http;

namespace Warden.Server;

/// <summary>Builds the Warden web application; used by <c>Program</c>, by <c>warden serve</c> and by tests.</summary>
public static class WardenApp
{
    /// <summary>Default listening address.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Creates the application with its services and endpoints.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Warden:DataDir=…</c>).</param>
    /// <param name="configure">Extra configuration of the builder, applied last.</param>
    /// <param name="defaultUrls">Listening URLs when configuration names none (<c>warden serve --certificate</c> defaults to HTTPS).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, string defaultUrls = DefaultUrls)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var restUrls = builder.Configuration["urls"] is { Length: > 0 } urls ? urls
            : builder.Configuration["ASPNETCORE_URLS"] is { Length: > 0 } environment ? environment
            : defaultUrls;
        builder.WebHost.UseUrls(restUrls);
        builder.AddWardenGrpcEndpoints(restUrls);

        builder.Services.AddWardenDatabase(builder.Configuration);
        builder.Services.AddWarden();
        builder.Services.AddWardenGrpc();
        builder.AddWardenTelemetry();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseWarden();
        return app;
    }

    /// <summary>Adds Warden's middleware and endpoints.</summary>
    public static WebApplication UseWarden(this WebApplication app)
    {
        // First, so refusals (401, 429, errors) carry the header too.
        if (app.Configuration.GetValue<bool>("Warden:Https:Hsts"))
        {
            app.UseHsts();
        }

        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseWardenConsoleAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapInferenceApi();
        app.MapRepositoryApi();
        app.MapStatisticsApi();
        app.MapModelsApi();
        app.MapKeysApi();
        app.MapAuditApi();
        app.MapFeedbackApi();
        app.MapSettingsApi();
        app.MapEdgeApi();
        app.MapUsageApi();
        app.MapMonitoringApi();
        app.MapRetrainingApi();
        app.MapContextApi();
        app.MapWardenGrpc();
        app.UseWardenAbuse();
        app.UseWardenPrivacy();
        app.UseWardenConsole();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Auth.WardenPolicies.Audit);
        return app;
    }
}
