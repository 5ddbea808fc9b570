using Warden.Contracts.Admin;
using Warden.Core;
using Warden.Core.Access;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>API key administration (admin role).</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/keys").WithTags("keys").RequireAuthorization(WardenPolicies.Admin);
        keys.MapGet("", async (ApiKeyService service, CancellationToken ct) => (await service.ListAsync(ct)).Select(k => k.ToInfo()).ToList())
            .WithName("ListKeys").WithSummary("List API keys (never their secrets)");
        keys.MapPost("", async (HttpContext context, ApiKeyService service, TimeProvider time) =>
        {
            var body = await ModelsApi.ReadOptionalJsonAsync<CreateKeyRequest>(context)
                ?? throw WardenException.BadRequest("send a JSON body: {\"name\": …, \"role\": …, \"models\": […]}");
            if (!WardenRoles.IsValid(body.Role))
            {
                throw WardenException.BadRequest($"unknown role '{body.Role}'; roles are {string.Join(", ", WardenRoles.All)}");
            }

            if (string.IsNullOrWhiteSpace(body.Name))
            {
                throw WardenException.BadRequest("a key needs a non-empty 'name'");
            }

            if (body.ExpiresAt is { } expires && expires <= time.GetUtcNow())
            {
                throw WardenException.BadRequest("'expiresAt' is in the past");
            }

            var limits = new KeyLimits
            {
                RateLimit = body.RateLimit, Burst = body.Burst, DailyQuota = body.DailyQuota, MonthlyQuota = body.MonthlyQuota, MaxConcurrency = body.MaxConcurrency,
            };
            var problems = limits.Validate();
            if (problems.Count > 0)
            {
                throw WardenException.BadRequest(string.Join("; ", problems));
            }

            var purposes = (body.Purposes ?? []).Select(p => p?.Trim() ?? "").ToList();
            if (purposes.Any(p => p.Length == 0 || p.Length > 200 || p.EndsWith(':')))
            {
                throw WardenException.BadRequest("each purpose must be 'purpose' or 'model:purpose' (1-200 characters)");
            }

            var grant = new ApiKeyGrant(purposes, string.IsNullOrWhiteSpace(body.DefaultPurpose) ? null : body.DefaultPurpose.Trim(), limits);
            var (record, secret) = await service.CreateAsync(context.RequireApiKey().Id, body.Name, body.Role, body.Models ?? [], body.ExpiresAt, grant, context.RequestAborted);
            return Results.Created($"/api/keys/{record.Id}", new CreatedKey { Info = record.ToInfo(), Secret = secret });
        }).Produces<CreatedKey>(StatusCodes.Status201Created)
            .WithName("CreateKey").Accepts<CreateKeyRequest>("application/json").WithSummary("Create an API key; the secret is returned once");
        keys.MapDelete("/{id}", async (string id, HttpContext context, ApiKeyService service) =>
            await service.RevokeAsync(context.RequireApiKey().Id, id, context.RequestAborted)
                ? Results.NoContent()
                : throw WardenException.NotFound($"key '{id}' is not found"))
            .WithName("RevokeKey").WithSummary("Revoke an API key");
        keys.MapPost("/{id}/reinstate", async (string id, HttpContext context, ApiKeyService service) =>
        {
            var body = await ModelsApi.ReadOptionalJsonAsync<ReinstateKeyRequest>(context);
            var reason = string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();
            return (await service.ReinstateAsync(context.RequireApiKey().Id, id, reason, context.RequestAborted)).ToInfo();
        }).Accepts<ReinstateKeyRequest>(isOptional: true, "application/json")
            .WithName("ReinstateKey").WithSummary("Reinstate a key the abuse monitor suspended (409 for a revoked key)");
        return app;
    }
}
