using Warden.Contracts.Edge;
using Warden.Core;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Warden.Core.Settings;
using Warden.Server.ApiContract;
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
        }).RequireAuthorization(WardenPolicies.Deploy).Produces<EdgeBundleInfo>(StatusCodes.Status201Created)
            .WithName("UploadEdgeBundle").AddOpenApiOperationTransformer(RequestBodies.Binary).WithSummary("Upload a signed edge bundle (.wdn)");
        edge.MapGet("/bundles", async (string? channel, EdgeFleetService fleet, CancellationToken ct) => await fleet.ListAsync(channel, ct))
            .RequireAuthorization(WardenPolicies.Infer)
            .WithName("ListEdgeBundles").WithSummary("List edge bundles, optionally of one channel");
        edge.MapGet("/bundles/{id}", async (string id, HttpContext context, EdgeFleetService fleet) =>
            Results.File(await fleet.ReadAsync(id, context.RequestAborted), "application/octet-stream", id + ".wdn"))
            .RequireAuthorization(WardenPolicies.Infer)
            .WithName("DownloadEdgeBundle").WithSummary("Download an edge bundle");
        edge.MapPost("/bundles/{id}/revoke", async (string id, HttpContext context, EdgeFleetService fleet) =>
        {
            var body = await ModelsApi.ReadOptionalJsonAsync<Contracts.Admin.StageChangeRequest>(context);
            return await fleet.RevokeAsync(id, context.RequireApiKey().Id, body?.Reason, context.RequestAborted);
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("RevokeEdgeBundle").Accepts<Contracts.Admin.StageChangeRequest>(isOptional: true, "application/json").WithSummary("Revoke an edge bundle");
        edge.MapGet("/policies/{model}", (string model, HttpContext context, ModelSettings settings) =>
            context.RequireApiKey().CanUseModel(model)
                ? Results.Text(BundlePolicies.FromSettings(settings, model).ToString(), "application/json")
                : throw WardenException.NotFound($"model '{model}' is not found"))
            .RequireAuthorization(WardenPolicies.Infer).Produces<BundlePolicies>()
            .WithName("GetEdgePolicies").WithSummary("The policies an edge device enforces for a model");
        edge.MapGet("/revocations", async (EdgeFleetService fleet, CancellationToken ct) => Results.Text((await fleet.RevocationsAsync(ct)).ToJson(), "application/json"))
            .RequireAuthorization(WardenPolicies.Infer)
            .WithName("GetEdgeRevocations").WithSummary("Revoked bundles and keys, for edge devices");
        edge.MapPost("/devices", async (HttpContext context, EdgeFleetService fleet) =>
        {
            var body = await ReadBodyAsync(context);
            var registration = Deserialize<DeviceRegistration>(body, "device registration");
            await fleet.RegisterAsync(registration, body, context.Request.Headers[DeviceSignature.Header].FirstOrDefault(), context.RequireApiKey().Id, context.RequestAborted);
            return Results.NoContent();
        }).RequireAuthorization(WardenPolicies.Infer).Accepts<DeviceRegistration>("application/json")
            .WithName("RegisterEdgeDevice").WithSummary("Register an edge device");
        edge.MapPost("/telemetry", async (HttpContext context, EdgeFleetService fleet) =>
            await fleet.AcceptTelemetryAsync(await ReadBodyAsync(context), context.Request.Headers[DeviceSignature.Header].FirstOrDefault(), context.RequestAborted))
            .RequireAuthorization(WardenPolicies.Infer).Accepts<TelemetryBatch>("application/json").Produces<TelemetryAck>()
            .WithName("PostEdgeTelemetry").WithSummary("Upload a batch of edge telemetry");
        edge.MapGet("/telemetry/{device}", async (string device, EdgeFleetService fleet, CancellationToken ct) => await fleet.TelemetryAsync(device, ct))
            .RequireAuthorization(WardenPolicies.Audit)
            .WithName("GetEdgeTelemetry").WithSummary("Telemetry received from one edge device");
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
