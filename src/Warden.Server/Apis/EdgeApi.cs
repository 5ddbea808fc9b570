using Warden.Contracts.Edge;
using Warden.Core;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Warden.Core.Settings;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Edge publication: deployers upload, list and revoke signed bundles per channel; devices (any key allowed to run
/// inference) register, list their channel, download bundles, read the revocation list and a model's current settings
/// documents (the ones that travel in bundles, refreshed at every sync), and upload telemetry.
/// </summary>
public static class EdgeApi
{
    public static IEndpointRouteBuilder MapEdgeApi(this IEndpointRouteBuilder app)
    {
        var edge = app.MapGroup("/edge").WithTags("edge");
        edge.MapPost("/bundles", async (HttpContext context, EdgeFleetService fleet) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            if (buffer.Length == 0)
            {
                throw WardenException.BadRequest("send the .wdn file as the request body (application/octet-stream)");
            }

            var info = await fleet.UploadAsync(buffer.ToArray(), context.RequireApiKey().Id, context.RequestAborted);
            return Results.Created($"/edge/bundles/{info.BundleId}", info);
        }).RequireAuthorization(WardenPolicies.Deploy).Produces<EdgeBundleInfo>(StatusCodes.Status201Created);
        edge.MapGet("/bundles", (string? channel, EdgeFleetService fleet) => fleet.List(channel))
            .RequireAuthorization(WardenPolicies.Infer);
        edge.MapGet("/bundles/{id}", async (string id, HttpContext context, EdgeFleetService fleet) =>
            Results.File(await fleet.ReadAsync(id, context.RequestAborted), "application/octet-stream", id + ".wdn"))
            .RequireAuthorization(WardenPolicies.Infer);
        edge.MapPost("/bundles/{id}/revoke", async (string id, HttpContext context, EdgeFleetService fleet) =>
        {
            var body = await ModelsApi.ReadOptionalJsonAsync<Contracts.Admin.StageChangeRequest>(context);
            return await fleet.RevokeAsync(id, context.RequireApiKey().Id, body?.Reason, context.RequestAborted);
        }).RequireAuthorization(WardenPolicies.Deploy);
        edge.MapGet("/policies/{model}", (string model, HttpContext context, ModelSettings settings) =>
            context.RequireApiKey().CanUseModel(model)
                ? Results.Text(BundlePolicies.FromSettings(settings, model).ToString(), "application/json")
                : throw WardenException.NotFound($"model '{model}' is not found"))
            .RequireAuthorization(WardenPolicies.Infer).Produces<BundlePolicies>();
        edge.MapGet("/revocations", (EdgeFleetService fleet) => Results.Text(fleet.Revocations().ToJson(), "application/json"))
            .RequireAuthorization(WardenPolicies.Infer);
        edge.MapPost("/devices", async (HttpContext context, EdgeFleetService fleet) =>
        {
            var body = await ReadBodyAsync(context);
            var registration = Deserialize<DeviceRegistration>(body, "device registration");
            await fleet.RegisterAsync(registration, body, context.Request.Headers[DeviceSignature.Header].FirstOrDefault(), context.RequireApiKey().Id, context.RequestAborted);
            return Results.NoContent();
        }).RequireAuthorization(WardenPolicies.Infer).Accepts<DeviceRegistration>("application/json");
        edge.MapPost("/telemetry", async (HttpContext context, EdgeFleetService fleet) =>
            await fleet.AcceptTelemetryAsync(await ReadBodyAsync(context), context.Request.Headers[DeviceSignature.Header].FirstOrDefault(), context.RequestAborted))
            .RequireAuthorization(WardenPolicies.Infer).Accepts<TelemetryBatch>("application/json").Produces<TelemetryAck>();
        edge.MapGet("/telemetry/{device}", (string device, EdgeFleetService fleet) => fleet.Telemetry(device))
            .RequireAuthorization(WardenPolicies.Audit);
        return app;
    }

    // Device requests are read as bytes: the device signature covers the exact body.
    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static T Deserialize<T>(byte[] body, string what)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<T>(body, System.Text.Json.JsonSerializerOptions.Web)
                ?? throw WardenException.BadRequest($"send the {what} as a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw WardenException.BadRequest($"the {what} is not valid JSON: {ex.Message}");
        }
    }
}
