using System.Text.Json;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Core.Abuse;
using Warden.Core.Access;
using Warden.Core.Settings;
using Warden.Server.ApiContract;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Versioned per-model settings: <c>PUT /api/models/{model}/settings/{kind}</c> stores a new version (deployer, admin),
/// <c>GET</c> reads the latest, <c>GET …/history</c> every version, <c>DELETE</c> removes the document (the model is bare
/// again for that kind; the history keeps a version whose document is <c>null</c>).
/// </summary>
public static class SettingsApi
{
    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models/{model}/settings").WithTags("settings");
        group.MapGet("", (string model, HttpContext context, ModelSettings settings) =>
            Visible(context, model, settings).Kinds.Order(StringComparer.Ordinal).Select(kind => new { kind, version = settings.GetVersion(model, kind)?.Version }))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("ListSettings").WithSummary("The settings documents a model has");
        group.MapGet("/{kind}", (string model, string kind, HttpContext context, ModelSettings settings) =>
        {
            Readable(context, model, kind, settings);
            var version = settings.GetVersion(model, kind);
            return version is null
                ? throw WardenException.NotFound($"model '{model}' has no '{kind}' settings (the feature is off)")
                : Results.Text(Envelope(version), "application/json");
        }).RequireAuthorization(WardenPolicies.Read)
            .WithName("GetSettings").WithSummary("One settings document of a model");
        group.MapGet("/{kind}/history", async (string model, string kind, HttpContext context, ModelSettings settings, CancellationToken ct) =>
            Results.Text("[" + string.Join(",", (await Readable(context, model, kind, settings).HistoryAsync(model, kind, ct)).Select(Envelope)) + "]", "application/json"))
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetSettingsHistory").WithSummary("Every version of one settings document");
        group.MapPut("/{kind}", async (string model, string kind, HttpContext context, ModelSettings settings) =>
        {
            // Size and depth are bounded before the document is parsed (Warden:MaxDocumentBytes, Warden:MaxDocumentDepth).
            var limits = context.RequestServices.GetRequiredService<IOptions<WardenOptions>>().Value;
            var (buffer, length) = await RequestBody.ReadAsync(context.Request, limits.MaxDocumentBytes);
            JsonElement body;
            try
            {
                using var document = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = limits.MaxDocumentDepth });
                body = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw WardenException.BadRequest("malformed JSON: " + ex.Message);
            }
            finally
            {
                RequestBody.Return(buffer);
            }

            var version = await settings.PutAsync(model, kind, body, context.RequireApiKey().Id, context.RequestAborted);
            return Results.Text(Envelope(version), "application/json");
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("PutSettings").AddOpenApiOperationTransformer(RequestBodies.JsonObject).WithSummary("Replace one settings document (turns the feature on)");
        group.MapDelete("/{kind}", async (string model, string kind, HttpContext context, ModelSettings settings) =>
            Results.Text(Envelope(await settings.RemoveAsync(model, kind, context.RequireApiKey().Id, context.RequestAborted)), "application/json"))
            .RequireAuthorization(WardenPolicies.Deploy)
            .WithName("DeleteSettings").WithSummary("Remove one settings document (turns the feature off)");
        return app;
    }

    // A scoped consumer learns nothing about models outside its scope, as everywhere else.
    private static ModelSettings Visible(HttpContext context, string model, ModelSettings settings) =>
        context.RequireApiKey().CanUseModel(model) ? settings : throw WardenException.NotFound($"model '{model}' is not found");

    // The abuse policy holds the extraction detector's thresholds: a consumer that reads them can stay just below them.
    private static readonly HashSet<string> ConfidentialKinds = new(StringComparer.Ordinal) { AbusePolicy.Kind };

    private static ModelSettings Readable(HttpContext context, string model, string kind, ModelSettings settings)
    {
        Visible(context, model, settings);
        return !ConfidentialKinds.Contains(kind) || context.User.IsInRole(WardenRoles.Admin) || context.User.IsInRole(WardenRoles.Deployer)
            || context.User.IsInRole(WardenRoles.Auditor)
            ? settings
            : throw new WardenException(StatusCodes.Status403Forbidden, $"'{kind}' settings are readable by deployer, auditor and admin keys only");
    }

    private static string Envelope(SettingsVersion version) =>
        $"{{\"model\":{JsonSerializer.Serialize(version.Model)},\"kind\":{JsonSerializer.Serialize(version.Kind)},\"version\":{version.Version},"
        + $"\"actor\":{JsonSerializer.Serialize(version.Actor)},\"time\":{JsonSerializer.Serialize(version.Time)},\"document\":{version.Json}}}";
}
