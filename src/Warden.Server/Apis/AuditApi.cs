using Warden.Contracts.Admin;
using Warden.Core;
using Warden.Core.Audit;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Server.Auth;

namespace Warden.Server.Apis;

/// <summary>Reading the audit chain and the prediction log (auditor and admin roles).</summary>
public static class AuditApi
{
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api").WithTags("audit").RequireAuthorization(WardenPolicies.Audit);
        audit.MapGet("/audit", async (IAuditStore store, long? after, int? limit, CancellationToken ct) =>
        {
            var size = PageSize(limit);
            var entries = await store.ListAsync(after ?? 0, size, ct);
            return new Page<AuditEntryInfo>
            {
                Items = entries.Select(e => e.ToInfo()).ToList(),
                Next = entries.Count == size ? entries[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            };
        }).WithName("ListAuditEntries").WithSummary("Page through the audit log");
        audit.MapGet("/audit/verify", (AuditLog log, CancellationToken ct) => log.VerifyAsync(ct))
            .WithName("VerifyAudit").WithSummary("Verify the audit log's hash chain");
        // Signs the current head and appends it to Warden:Audit:CheckpointDirectory/checkpoints.jsonl (issue 17 item 4).
        audit.MapPost("/audit/checkpoints", (AuditCheckpointer checkpointer, CancellationToken ct) => checkpointer.CheckpointAsync(ct))
            .WithName("CreateAuditCheckpoint").WithSummary("Sign the audit log's head and append a checkpoint");
        audit.MapGet("/predictions", async (IPredictionStore store, string? model, DateTimeOffset? since, long? after, int? limit, CancellationToken ct) =>
        {
            var size = PageSize(limit);
            var rows = await store.QueryAsync(new PredictionQuery(model, since, after ?? 0, size), ct);
            return new Page<PredictionRecordInfo>
            {
                Items = rows.Select(r => r.ToInfo()).ToList(),
                Next = rows.Count == size ? rows[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
            };
        }).WithName("ListPredictions").WithSummary("Page through the prediction log");
        return app;
    }

    private static int PageSize(int? limit) => limit switch
    {
        null => 100,
        < 1 or > MaxPage => throw WardenException.BadRequest($"'limit' must be between 1 and {MaxPage}"),
        _ => limit.Value,
    };
}
