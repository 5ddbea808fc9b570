using System.Text.Json;
using Warden.Contracts.Context;
using Warden.Core;
using Warden.Core.Access;
using Warden.Core.Review;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// The review queue: list, read, claim and decide items (reviewers and admins), agreement statistics, and
/// <c>GET /api/reviews/{id}</c> for the caller whose request was held (status and final label only).
/// </summary>
public static class ReviewsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var reviews = app.MapGroup("/api/reviews").WithTags("reviews");
        reviews.MapGet("", (string? model, string? status, bool? mine, int? limit, HttpContext context, ReviewQueue queue) =>
        {
            var key = context.RequireApiKey();
            var items = queue.List(model, status, Math.Clamp(limit ?? 100, 1, 10_000));
            return items.Where(i => mine != true || i.AssignedTo == key.Id || i.ClaimedBy == key.Id).Select(i => ToInfo(i, null, full: true)).ToList();
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Reviewer))
            .WithName("ListReviews").WithSummary("List review items");
        reviews.MapGet("/agreement", (string? model, ReviewQueue queue) => queue.Agreement(model))
            .RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Reviewer, WardenRoles.Auditor))
            .WithName("GetReviewerAgreement").WithSummary("Agreement between reviewers");
        reviews.MapGet("/{id}", (string id, HttpContext context, ReviewQueue queue) =>
        {
            var key = context.RequireApiKey();
            var item = queue.Get(id);
            var reviewer = key.Role is WardenRoles.Admin or WardenRoles.Reviewer or WardenRoles.Auditor;
            if (item is null || (!reviewer && item.RequesterKey != key.Id))
            {
                throw WardenException.NotFound($"review '{id}' is not found");
            }

            return ToInfo(item, reviewer ? queue.Votes(id) : null, reviewer);
        }).RequireAuthorization(WardenPolicies.Read)
            .WithName("GetReview").WithSummary("One review item");
        reviews.MapPost("/{id}/claim", async (string id, HttpContext context, ReviewQueue queue) =>
            ToInfo(await queue.ClaimAsync(id, context.RequireApiKey(), context.RequestAborted), null, full: true))
            .RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Reviewer))
            .WithName("ClaimReview").WithSummary("Claim a review item");
        reviews.MapPost("/{id}/decide", async (string id, HttpContext context, ReviewQueue queue) =>
        {
            var body = await ModelsApi.ReadOptionalJsonAsync<ReviewDecisionRequest>(context) ?? throw WardenException.BadRequest("send {\"label\": \"…\", \"note\": \"…\"}");
            var item = await queue.DecideAsync(id, context.RequireApiKey(), body.Label, body.Note, context.RequestAborted);
            return ToInfo(item, queue.Votes(id), full: true);
        }).RequireAuthorization(p => p.RequireRole(WardenRoles.Admin, WardenRoles.Reviewer))
            .WithName("DecideReview").Accepts<ReviewDecisionRequest>("application/json").WithSummary("Decide a review item with a label");
        return app;
    }

    private static ReviewItemInfo ToInfo(ReviewItem item, IReadOnlyList<ReviewVote>? votes, bool full)
    {
        var info = new ReviewItemInfo
        {
            Id = item.Id,
            Model = item.Model,
            Version = item.Version,
            PredictionId = item.PredictionId,
            Mode = item.Mode,
            Status = item.Status,
            Label = item.Label,
            DecidedAt = item.DecidedAt,
            CreatedAt = item.CreatedAt,
            Deadline = item.Deadline,
            ReviewersRequired = item.ReviewersRequired,
            MaxReviewers = item.MaxReviewers,
            DeadlineAnswer = item.Answer,
            Decision = item.Answer == ReviewDeadlineAnswers.Default ? item.DefaultDecision : null,
            OutcomeLabel = item.Label is { } label ? item.OutcomeOf(label) : null,
            EscalateTo = item.EscalateTo,
        };
        if (!full)
        {
            // A held caller whose deadline released the model's answer reads it here.
            info.Outputs = item.Answer == ReviewDeadlineAnswers.Model && item.Mode == ReviewModes.Hold ? Parse(item.OutputsJson) : null;
            return info;
        }

        info.Reasons = [.. item.Reasons];
        info.Score = item.Score;
        info.Inputs = Parse(item.InputsJson);
        info.Outputs = Parse(item.OutputsJson);
        info.Explanation = item.ExplanationJson is null ? null : JsonSerializer.Deserialize<ExplanationResponse>(item.ExplanationJson, Json);
        info.AssignedTo = item.AssignedTo;
        info.ClaimedBy = item.ClaimedBy;
        info.ClaimExpires = item.ClaimExpires;
        info.Votes = votes?.Select(v => new ReviewVoteInfo { Reviewer = v.Reviewer, Label = v.Label, Note = v.Note, Time = v.Time }).ToList();
        return info;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
