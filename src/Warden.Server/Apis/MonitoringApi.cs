using System.Text.Json;
using Warden.Contracts.Monitoring;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Fairness;
using Warden.Core.Monitoring;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Storage;
using Warden.Server.ApiContract;
using Warden.Server.Auth;
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
            .Produces<FairnessAuditInfo>(StatusCodes.Status201Created)
            .WithName("RunFairnessAudit").Accepts<FairnessAuditRequest>(isOptional: true, "application/json").WithSummary("Run a fairness audit of a model on its labelled predictions");
        fairness.MapGet("", async (string model, int? limit, HttpContext context, FairnessAuditService audits) =>
        {
            RequireModel(context, model);
            return (await audits.ListAsync(model, Math.Clamp(limit ?? 100, 1, 1000), context.RequestAborted)).Select(r => ToInfo(r, withReport: false)).ToList();
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("ListFairnessReports").WithSummary("List a model's fairness reports");
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
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetFairnessReport").WithSummary("One fairness report as JSON, Markdown or HTML");
        var versions = app.MapGroup("/api/models/{model}/versions/{version}/reference").WithTags("drift");
        versions.MapPut("", async (string model, string version, string? label, string? positive, HttpContext context, ReferenceProfiles references) =>
        {
            var key = RequireModel(context, model);
            // The CSV parser reads synchronously, which the server forbids on the request stream.
            using var body = new StreamReader(context.Request.Body);
            using var reader = new StringReader(await body.ReadToEndAsync(context.RequestAborted));
            var snapshot = await references.BuildAsync(model, version, reader, label, positive, "upload", key.Id, context.RequestAborted);
            return Results.Ok(ReferenceSummary(snapshot));
        }).RequireAuthorization(WardenPolicies.Deploy)
            .WithName("PutReferenceProfile").AddOpenApiOperationTransformer(RequestBodies.Csv).WithSummary("Upload a version's reference data (CSV) for drift detection");
        versions.MapGet("", async (string model, string version, HttpContext context, ReferenceProfiles references) =>
        {
            RequireModel(context, model);
            var snapshot = await references.GetAsync(model, version, context.RequestAborted)
                ?? throw WardenException.NotFound($"version {version} of '{model}' has no reference profile");
            using var profile = JsonDocument.Parse(snapshot.Profile.ToJson());
            return Results.Ok(new { summary = ReferenceSummary(snapshot), profile = profile.RootElement.Clone() });
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetReferenceProfile").WithSummary("A version's reference profile"); // the training data's distribution: not for consumers

        app.MapGet("/api/models/{model}/drift", async (string model, string? since, string? version, int? window, string? format, HttpContext context, LiveDriftService drift, TimeProvider time) =>
        {
            RequireModel(context, model);
            if (window is < 1)
            {
                throw WardenException.BadRequest("window must be a positive number of rows");
            }

            var report = await drift.AnalyzeAsync(model, version, TimeWindow.Since(since ?? "24h", time.GetUtcNow()), window, context.RequestAborted);
            return format switch
            {
                null or "json" => Results.Text(report.ToJson(), "application/json"),
                "md" => Results.Text(report.ToMarkdown(), "text/markdown"),
                "html" => Results.Text(report.ToHtml(), "text/html"),
                _ => throw WardenException.BadRequest($"format '{format}' is unknown; use json, md or html"),
            };
        }).WithTags("drift").RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetDriftReport").WithSummary("Live drift of a model's inputs and outputs against its reference");
        app.MapGet("/api/models/{model}/drift/history", async (string model, string? since, int? limit, HttpContext context, IDriftHistoryStore history, ModelRegistry registry, TimeProvider time) =>
        {
            RequireModel(context, model);
            if (!registry.Models.ContainsKey(model))
            {
                throw WardenException.NotFound($"model '{model}' is not found");
            }

            var size = limit switch
            {
                null => 100,
                < 1 or > 1000 => throw WardenException.BadRequest("'limit' must be between 1 and 1000"),
                _ => limit.Value,
            };
            return new DriftHistoryPage { Items = await history.QueryAsync(model, since is null ? null : TimeWindow.Since(since, time.GetUtcNow()), size, context.RequestAborted) };
        }).WithTags("drift").RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetDriftHistory").WithSummary("Stored drift evaluations of a model (scheduled drift-rules runs), oldest first");
        app.MapGet("/api/models/{model}/rollout/report", async (string model, string? since, string? version, HttpContext context, ModelRegistry registry, ModelSettings settings, RolloutComparison comparison, TimeProvider time) =>
        {
            RequireModel(context, model);
            var registered = registry.Models.TryGetValue(model, out var r) ? r : throw WardenException.NotFound($"model '{model}' is not found");
            var champion = registered.ProductionVersion ?? throw WardenException.BadRequest($"model '{model}' has no production version");
            var challenger = version ?? settings.Get<RolloutSettings>(model, RolloutSettings.Kind)?.Candidate
                ?? throw WardenException.BadRequest($"model '{model}' has no shadow or canary in its rollout settings; name a version");
            var record = registered.FindVersion(challenger) ?? throw WardenException.NotFound($"version '{challenger}' of model '{model}' is not found");
            return await comparison.CompareAsync(model, champion, challenger, ModelRegistry.ReadCard(record), TimeWindow.Since(since, time.GetUtcNow()), context.RequestAborted);
        }).WithTags("rollout").RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("GetRolloutReport").WithSummary("Champion and challenger compared on live traffic");
        return app;
    }

    private static object ReferenceSummary(ReferenceSnapshot s) => new
    {
        model = s.Model,
        version = s.Version,
        source = s.Source,
        actor = s.Actor,
        time = s.Time,
        rows = s.Profile.RowCount,
        features = s.Profile.Features.Select(f => f.Name).ToList(),
        labelled = s.Labels is not null,
    };

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
