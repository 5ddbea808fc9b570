using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Warden.Contracts.Admin;
using Warden.Contracts.Registry;
using Warden.Core;
using Warden.Core.Registry;
using Warden.Core.Storage;
using Warden.Server.ApiContract;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>Registry administration: list, deploy (multipart), promote, roll back.</summary>
public static class ModelsApi
{
    private static readonly JsonSerializerOptions CardJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/models").WithTags("models");
        models.MapGet("", (HttpContext context, ModelRegistry registry) =>
            registry.Models.Values.Where(m => context.RequireApiKey().CanUseModel(m.Name)).OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => m.ToSummary()).ToList())
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("ListModels").WithSummary("List the models the key may use");
        models.MapGet("/{model}", (string model, HttpContext context, ModelRegistry registry) => Find(context, registry, model).ToSummary())
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModel").WithSummary("A model's versions and stages");
        models.MapGet("/{model}/versions/{version}", (string model, string version, HttpContext context, ModelRegistry registry) =>
            (Find(context, registry, model).FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found")).ToInfo())
            .RequireAuthorization(WardenPolicies.Read)
            .WithName("GetModelVersion").WithSummary("One version's stage, card and checksum");
        models.MapGet("/{model}/versions/{version}/onnx", async (string model, string version, HttpContext context, ModelRegistry registry, IModelBlobStore blobs) =>
        {
            // The weights themselves are the deployers' to export (e.g. to pack an edge bundle), not every reader's.
            var record = Find(context, registry, model).FindVersion(version) ?? throw WardenException.NotFound($"version '{version}' of model '{model}' is not found");
            if (record.Kind != ModelKinds.Model)
            {
                throw WardenException.BadRequest($"'{model}' is a {record.Kind}; fetch its document from /api/pipelines/{model}/versions/{version}/document");
            }

            return Results.File(await blobs.GetAsync(record.Sha256, context.RequestAborted), "application/octet-stream", $"{model}-{version}.onnx");
        }).RequireAuthorization(WardenPolicies.Deploy).Produces<byte[]>(StatusCodes.Status200OK, "application/octet-stream")
            .WithName("DownloadModelVersionOnnx").WithSummary("Download a version's ONNX file");
        models.MapPost("/{model}/versions", DeployAsync)
            .RequireAuthorization(WardenPolicies.Deploy).DisableAntiforgery()
            .Produces<ModelVersionInfo>(StatusCodes.Status201Created)
            .WithName("DeployModelVersion").AddOpenApiOperationTransformer(RequestBodies.ModelDeployment).WithSummary("Deploy a new version: an ONNX file and its model card (multipart)");
        models.MapPost("/{model}/versions/{version}/promote", async (string model, string version, HttpContext context, ModelRegistry registry) =>
        {
            var body = await ReadOptionalJsonAsync<StageChangeRequest>(context) ?? new StageChangeRequest();
            var key = context.RequireApiKey();
            if (body.Force && key.Role != Warden.Core.Access.WardenRoles.Admin)
            {
                throw new WardenException(StatusCodes.Status403Forbidden, "only an admin may override promotion gates (force)");
            }

            var record = await registry.SetStageAsync(model, version, body.Stage ?? ModelStages.Production, key.Id, body.Reason, context.RequestAborted, body.Force);
            return record.ToInfo();
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("PromoteModelVersion").Accepts<StageChangeRequest>(isOptional: true, "application/json").WithSummary("Move a version to a stage (production unless another stage is named)");
        models.MapPost("/{model}/rollback", async (string model, HttpContext context, ModelRegistry registry) =>
        {
            var body = await ReadOptionalJsonAsync<StageChangeRequest>(context);
            var record = await registry.RollbackAsync(model, context.RequireApiKey().Id, body?.Reason, context.RequestAborted);
            return record.ToInfo();
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("RollbackModel").Accepts<StageChangeRequest>(isOptional: true, "application/json").WithSummary("Return production to the previous production version");
        return app;
    }

    private static async Task<IResult> DeployAsync(
        string model, HttpContext context, ModelRegistry registry, Core.Explanations.BackgroundStore backgrounds, IOptions<WardenOptions> options)
    {
        if (!context.Request.HasFormContentType)
        {
            throw WardenException.BadRequest("deploy with multipart/form-data: a 'model' file part (ONNX) and a 'card' part (JSON)");
        }

        // Uploads have their own limit, not the inference body limit; the multipart reader spools file parts to temporary
        // files, so a large model does not sit in memory twice while it is received.
        var limit = options.Value.MaxModelUploadBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new WardenException(StatusCodes.Status413PayloadTooLarge,
                $"the deployment is {context.Request.ContentLength} bytes; model uploads are limited to {limit} bytes (Warden:MaxModelUploadBytes)");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, BufferBodyLengthLimit = limit }, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new WardenException(StatusCodes.Status413PayloadTooLarge, $"model uploads are limited to {limit} bytes (Warden:MaxModelUploadBytes)");
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new WardenException(StatusCodes.Status413PayloadTooLarge, $"model uploads are limited to {limit} bytes (Warden:MaxModelUploadBytes): {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw WardenException.BadRequest("malformed multipart body: " + ex.Message);
        }
        catch (IOException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A body that ends before its closing boundary: the client's mistake, not the server's.
            throw WardenException.BadRequest("malformed multipart body: " + ex.Message);
        }

        // A misspelt or unsupported part would otherwise be dropped without a word and the version deployed without it.
        var unknown = form.Keys.Concat(form.Files.Select(f => f.Name)).Where(name => !DeployParts.Contains(name)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw WardenException.BadRequest(
                $"unknown part {string.Join(", ", unknown.Select(n => $"'{n}'"))}: a deployment takes {string.Join(", ", DeployParts)}" +
                $" (a drift reference is uploaded after the deployment with PUT /api/models/{model}/versions/{{version}}/reference)");
        }

        var file = form.Files.GetFile("model") ?? throw WardenException.BadRequest("missing the 'model' file part (the ONNX file)");
        var onnx = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(onnx, context.RequestAborted);
        }

        var cardText = form.Files.GetFile("card") is { } cardFile
            ? await new StreamReader(cardFile.OpenReadStream()).ReadToEndAsync(context.RequestAborted)
            : form["card"].FirstOrDefault();
        ModelCard card;
        try
        {
            card = string.IsNullOrWhiteSpace(cardText) ? new ModelCard { Name = model } : JsonSerializer.Deserialize<ModelCard>(cardText, CardJson) ?? new ModelCard();
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest("the 'card' part is not a valid model card: " + ex.Message);
        }

        try
        {
            // The card is stored as JSON: "NaN" or "Infinity" read from strings could not be written back.
            _ = JsonSerializer.SerializeToUtf8Bytes(card, CardJson);
        }
        catch (ArgumentException)
        {
            throw WardenException.BadRequest("the 'card' part is not a valid model card: numbers must be finite (no NaN or Infinity)");
        }

        try
        {
            Core.Privacy.RedactionPolicy.FromFeatures(card.Features, Core.Privacy.RedactionAction.Keep);
        }
        catch (FormatException ex)
        {
            throw WardenException.BadRequest("the card's feature redaction is invalid: " + ex.Message);
        }

        // Optional background sample for explanations and out-of-distribution checks, validated before the version exists.
        var backgroundText = form.Files.GetFile("background") is { } backgroundFile
            ? await new StreamReader(backgroundFile.OpenReadStream()).ReadToEndAsync(context.RequestAborted)
            : NullIfEmpty(form["background"].FirstOrDefault());
        if (backgroundText is not null)
        {
            Core.Explanations.BackgroundSample.Parse(backgroundText);
        }

        var record = await registry.DeployAsync(
            model, onnx, card, context.RequireApiKey().Id, NullIfEmpty(form["version"].FirstOrDefault()),
            NullIfEmpty(form["stage"].FirstOrDefault()) ?? ModelStages.Staging, context.RequestAborted);
        if (backgroundText is not null)
        {
            await backgrounds.PutAsync(model, record.Version, backgroundText, context.RequestAborted);
        }
        return Results.Created($"/api/models/{model}/versions/{record.Version}", record.ToInfo());
    }

    private static RegisteredModel Find(HttpContext context, ModelRegistry registry, string model) =>
        context.RequireApiKey().CanUseModel(model) && registry.Models.TryGetValue(model, out var registered)
            ? registered
            : throw WardenException.NotFound($"model '{model}' is not found");

    private static readonly string[] DeployParts = ["model", "card", "background", "version", "stage"];

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    internal static async Task<T?> ReadOptionalJsonAsync<T>(HttpContext context)
        where T : class
    {
        if (context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(context.Request.Body, CardJson, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest("malformed JSON body: " + ex.Message);
        }
    }
}
