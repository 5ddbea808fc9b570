using System.Text.Json;
using Warden.Contracts.Monitoring;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Monitoring of live traffic: fairness audits (<c>/api/models/{model}/fairness/reports</c>), drift
/// (<c>/api/models/{model}/drift</c>, reference profiles) and rollout comparison (<c>/api/models/{model}/rollout/report</c>).
/// </summary>
public static class MonitoringApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapMonitoringApi(this IEndpointRouteBuilder app)
    {
        var fairness = app.MapGroup("/api/models/{model}/fairness/reports").WithTags("fairness");
        fairness.MapPost("", async (string model, HttpContext context, FairnessAuditService audits) =>
        {
            var key = RequireModel(context, model);
            var body = await ModelsApi.ReadOptionalJsonAsync<FairnessAuditRequest>(context) ?? new FairnessAuditRequest();
            var record = await audits.RunAsync(model, body, key.Id, context.RequestAborted);
            return Results.Created($"/api/models/{model}/fairness/reports/{record.Id}", ToInfo(record, withReport: true));
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .Produces<FairnessAuditInfo>(StatusCodes.Status201Created);
        fairness.MapGet("", async (string model, int? limit, HttpContext context, FairnessAuditService audits) =>
        {
            RequireModel(context, model);
            return (await audits.ListAsync(model, Math.Clamp(limit ?? 100, 1, 1000), context.RequestAborted)).Select(r => ToInfo(r, withReport: false)).ToList();
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer));
        fairness.MapGet("/{id:long}", async (string model, long id, string? format, HttpContext context, FairnessAuditService audits) =>
        {
            RequireModel(context, model);
            var record = await audits.GetAsync(model, id, context.RequestAborted)
                ?? throw WardenException.NotFound($"fairness report {id} of model '{model}' is not found");
            return format switch
            {
                null or "json" => Results.Json(ToInfo(record, withReport: true), Json),
                "md" => Results.Text(FairnessMarkdownRenderer.Render(FairnessReportJson.Deserialize(record.ReportJson)), "text/markdown"),
                "html" => Results.Text(FairnessHtmlRenderer.Render(FairnessReportJson.Deserialize(record.ReportJson)), "text/html"),
                _ => throw WardenException.BadRequest($"format '{format}' is unknown; use json, md or html"),
            };
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer));
        return app;
    }

    internal static ApiKeyRecord RequireModel(HttpContext context, string model)
    {
        var key = context.RequireApiKey();
        return key.CanUseModel(model) ? key : throw WardenException.NotFound($"model '{model}' is not found");
    }

    private static FairnessAuditInfo ToInfo(FairnessAuditRecord record, bool withReport)
    {
        JsonElement? report = null;
        if (withReport)
        {
            using var document = JsonDocument.Parse(record.ReportJson);
            report = document.RootElement.Clone();
        }

        return new FairnessAuditInfo
        {
            Id = record.Id,
            Model = record.Model,
            Version = record.Version,
            Time = record.Time,
            Actor = record.Actor,
            Trigger = record.Trigger,
            Rows = record.Rows,
            Passed = record.Passed,
            Failures = record.Failures.ToList(),
            Report = report,
        };
    }
}
