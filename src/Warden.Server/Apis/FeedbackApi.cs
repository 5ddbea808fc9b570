using System.Text.Json;
using Warden.Contracts.Feedback;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Feedback;
using Warden.Core.Storage;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Ground truth: <c>POST /api/models/{model}/feedback</c> with <c>{"id": "…", "label": "…"}</c> or
/// <c>{"items": [{"id", "label"}, …]}</c>. Labels are joined with the prediction log by id for fairness audits, quality
/// monitoring and retraining.
/// </summary>
public static class FeedbackApi
{
    private const int MaxItems = 10_000;

    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/{model}/feedback", PostAsync).WithTags("feedback")
            .RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Deployer, WardenRoles.Reviewer, WardenRoles.Consumer))
            .WithName("PostFeedback").Accepts<FeedbackBatch>("application/json").Produces<FeedbackResult>().WithSummary("Record ground-truth labels for earlier predictions");
        app.MapGet("/api/models/{model}/feedback", async (string model, DateTimeOffset? since, int? limit, IFeedbackStore store, CancellationToken ct) =>
        {
            var rows = await store.QueryLabeledAsync(model, since, Math.Clamp(limit ?? 1000, 1, 100_000), ct);
            return rows.Select(r => new { id = r.Prediction.Id, time = r.Prediction.Time, version = r.Prediction.Version, label = r.Label, source = r.Source });
        }).WithTags("feedback").RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor, WardenRoles.Deployer))
            .WithName("ListFeedback").WithSummary("Labelled predictions of a model");
        return app;
    }

    private static async Task<IResult> PostAsync(string model, HttpContext context, IFeedbackStore store, TimeProvider time)
    {
        var key = context.RequireApiKey();
        if (!key.CanUseModel(model))
        {
            throw WardenException.NotFound($"model '{model}' is not found");
        }

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw WardenException.BadRequest("malformed JSON: " + ex.Message);
        }

        var items = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("items", out var list)
            ? list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : throw WardenException.BadRequest("\"items\" must be an array")
            : [body];
        if (items.Count is 0 or > MaxItems)
        {
            throw WardenException.BadRequest($"send between 1 and {MaxItems} labels per call");
        }

        var now = time.GetUtcNow();
        var parsed = new List<(string Id, string Label, string? Owner)>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(id.GetString())
                || !item.TryGetProperty("label", out var label) || label.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                || (item.TryGetProperty("key", out var owner) && owner.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
            {
                throw WardenException.BadRequest($"item {i} must be {{\"id\": \"<prediction id>\", \"label\": <string, number or boolean>[, \"key\": \"<key id>\"]}}");
            }

            var text = label.ValueKind == JsonValueKind.String ? label.GetString()! : label.GetRawText();
            // An optional "key" sent as null (as generated clients do) is absent.
            parsed.Add((id.GetString()!, text, item.TryGetProperty("key", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString() : null));
        }

        // Request ids are namespaced by key. A consumer labels only its own predictions: anything else is reported as
        // unmatched and not stored, whether the id is unknown or another key's (so nothing leaks about other keys).
        // Deployer, reviewer and admin keys label any prediction; an id used by several keys needs "key".
        var owners = await store.FindOwnersAsync(model, parsed.Select(p => p.Id).Distinct().ToList(), context.RequestAborted);
        var labeller = key.Role is WardenRoles.Admin or WardenRoles.Deployer or WardenRoles.Reviewer;
        var records = new List<FeedbackRecord>(parsed.Count);
        var unmatched = new List<string>();
        foreach (var (id, label, given) in parsed)
        {
            var made = owners.GetValueOrDefault(id) ?? [];
            string? owner;
            if (!labeller)
            {
                owner = made.Contains(key.Id) ? key.Id : null;
            }
            else if (given is not null)
            {
                owner = given;
            }
            else
            {
                owner = made.Count switch
                {
                    0 => "",
                    1 => made[0],
                    _ => throw WardenException.Conflict($"request id '{id}' of model '{model}' was used by {made.Count} keys; add \"key\" to say whose prediction the label is for"),
                };
            }

            if (owner is null || !made.Contains(owner))
            {
                unmatched.Add(id);
            }

            if (owner is not null)
            {
                records.Add(new FeedbackRecord(model, id, label, "api", key.Id, now, owner));
            }
        }

        await store.UpsertAsync(records, context.RequestAborted);
        return Results.Ok(new FeedbackResult
        {
            Accepted = records.Count,
            Matched = parsed.Count - unmatched.Count,
            Unmatched = unmatched.Distinct().Take(100).ToList(),
        });
    }
}
