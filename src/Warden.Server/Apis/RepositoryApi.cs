using System.Text.Json;
using Warden.Contracts.Triton;
using Warden.Core;
using Warden.Core.Registry;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Triton's model repository extension mapped onto the registry: the index lists every version with its state, load
/// (re)creates a model's sessions, unload stops serving a model on this replica until it is loaded again.
/// </summary>
public static class RepositoryApi
{
    /// <summary>State of a version that answers requests.</summary>
    public const string Ready = "READY";

    /// <summary>State of a version that does not.</summary>
    public const string Unavailable = "UNAVAILABLE";

    public static IEndpointRouteBuilder MapRepositoryApi(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup("/v2/repository").WithTags("inference");
        repository.MapPost("/index", async (HttpContext context, ModelRegistry registry) =>
        {
            var request = await ModelsApi.ReadOptionalJsonAsync<RepositoryIndexRequest>(context) ?? new RepositoryIndexRequest();
            return Results.Ok(Index(context.RequireApiKey(), registry, request.Ready));
        }).RequireAuthorization(WardenPolicies.Read).Produces<List<RepositoryIndexEntry>>()
            .WithName("GetRepositoryIndex").Accepts<RepositoryIndexRequest>(isOptional: true, "application/json").WithSummary("Model repository index: every version and its state");

        repository.MapPost("/models/{model}/load", async (string model, HttpContext context, ModelRegistry registry) =>
        {
            var request = await ModelsApi.ReadOptionalJsonAsync<RepositoryModelRequest>(context);
            RefuseLoadParameters(model, request?.Parameters?.Keys ?? Enumerable.Empty<string>());
            await registry.LoadAsync(model, context.RequireApiKey().Id, context.RequestAborted);
            return Results.Ok();
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("LoadModel").Accepts<RepositoryModelRequest>(isOptional: true, "application/json").WithSummary("Load a model's servable versions");

        repository.MapPost("/models/{model}/unload", async (string model, HttpContext context, ModelRegistry registry) =>
        {
            var request = await ModelsApi.ReadOptionalJsonAsync<RepositoryModelRequest>(context);
            var dependents = false;
            foreach (var (name, value) in request?.Parameters ?? [])
            {
                RequireUnloadParameter(name);

                dependents = value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw WardenException.BadRequest($"unload parameter 'unload_dependents' must be a boolean, got {value.ValueKind.ToString().ToLowerInvariant()}"),
                };
            }

            await registry.UnloadAsync(model, context.RequireApiKey().Id, dependents, context.RequestAborted);
            return Results.Ok();
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("UnloadModel").Accepts<RepositoryModelRequest>(isOptional: true, "application/json").WithSummary("Unload a model (and optionally the pipelines that use it)");
        return app;
    }

    /// <summary>Every version of the models <paramref name="key"/> may use, with its state (only ready ones when asked). Shared by REST and gRPC.</summary>
    internal static List<RepositoryIndexEntry> Index(Core.Access.ApiKeyRecord key, ModelRegistry registry, bool ready) =>
        registry.Models.Values
            .Where(m => key.CanUseModel(m.Name))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .SelectMany(m => m.Versions.Select(v => Entry(registry, m, v)))
            .Where(e => !ready || e.State == Ready)
            .ToList();

    /// <summary>Load takes no parameter: Triton's ones name files and configurations that Warden manages otherwise.</summary>
    internal static void RefuseLoadParameters(string model, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            throw WardenException.BadRequest(name == "config" || name.StartsWith("file:", StringComparison.Ordinal)
                ? $"load parameter '{name}' is not supported: versions are deployed with POST /api/models/{model}/versions and configured with the 'serving' settings document (PUT /api/models/{model}/settings/serving)"
                : $"unknown load parameter '{name}'");
        }
    }

    /// <summary>Unload takes only <c>unload_dependents</c>.</summary>
    internal static void RequireUnloadParameter(string name)
    {
        if (name != "unload_dependents")
        {
            throw WardenException.BadRequest($"unknown unload parameter '{name}'; the unload API takes 'unload_dependents'");
        }
    }

    private static RepositoryIndexEntry Entry(ModelRegistry registry, RegisteredModel model, ModelVersionRecord version)
    {
        var (state, reason) = version.Stage == ModelStages.Archived ? (Unavailable, "archived")
            : registry.IsUnloaded(model.Name) ? (Unavailable, "unloaded")
            : model.IsServable(version.Version) ? (Ready, "")
            : (Unavailable, "failed to load; see the server log");
        return new RepositoryIndexEntry { Name = model.Name, Version = version.Version, State = state, Reason = reason };
    }
}
