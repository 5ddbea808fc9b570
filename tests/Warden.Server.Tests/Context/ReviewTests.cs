using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Review;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Context.ReviewFixture;

namespace Warden.Server.Tests.Context;

public sealed class ReviewTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly WardenFactory _factory;

    public ReviewTests()
    {
        _factory = new WardenFactory { Time = _time };
    }

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Without_a_policy_the_answer_has_no_review_parameters()
    {
        using var admin = _factory.Admin();
        var (status, body) = await InferAsync(admin);
        Assert.Equal(200, status);
        Assert.False(body.TryGetProperty("parameters", out _));
    }

    [Fact]
    public async Task Advise_mode_answers_normally_and_marks_the_answer_pending_review()
    {
        using var admin = _factory.Admin();
        var (_, reviewer) = await KeyAsync(_factory, "reviewer", "rita");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999 });
        var (status, body) = await InferAsync(admin);
        Assert.Equal(200, status);
        Assert.Equal("true", Parameter(body, "pending_review"));
        Assert.Equal(2, body.GetProperty("outputs").GetArrayLength());
        var id = Parameter(body, "review_id");
        var items = await GetAsync(reviewer, "/api/reviews?status=pending");
        var item = Assert.Single(items.EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.StartsWith("confidence ", item.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hold_mode_returns_202_then_the_reviewer_label_reaches_the_caller_and_the_feedback_store()
    {
        using var admin = _factory.Admin();
        var (consumerId, consumer) = await KeyAsync(_factory, "consumer", "app");
        var (reviewerId, reviewer) = await KeyAsync(_factory, "reviewer", "rita");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", rule = "lvrat > 1.2", labels = new[] { "approve", "deny" } });

        var (plainStatus, _) = await InferAsync(consumer);
        Assert.Equal(200, plainStatus);

        var (status, held) = await InferAsync(consumer, [0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1], id: "app-42");
        Assert.Equal(202, status);
        Assert.Equal(0, held.GetProperty("outputs").GetArrayLength());
        var reviewId = Parameter(held, "review_id");
        Assert.Equal("pending", Parameter(held, "review_status"));

        var polled = await GetAsync(consumer, $"/api/reviews/{reviewId}");
        Assert.Equal("pending", polled.GetProperty("status").GetString());
        Assert.False(polled.TryGetProperty("inputs", out var hidden) && hidden.ValueKind != JsonValueKind.Null);

        var item = await GetAsync(reviewer, $"/api/reviews/{reviewId}");
        Assert.Equal(reviewerId, item.GetProperty("assignedTo").GetString());
        Assert.NotEqual(consumerId, item.GetProperty("assignedTo").GetString());
        await PostAsync(reviewer, $"/api/reviews/{reviewId}/claim", null);
        await PostAsync(reviewer, $"/api/reviews/{reviewId}/decide", new { label = "maybe" }, 400);
        var decided = await PostAsync(reviewer, $"/api/reviews/{reviewId}/decide", new { label = "deny", note = "LTV above policy" });
        Assert.Equal("decided", decided.GetProperty("status").GetString());

        polled = await GetAsync(consumer, $"/api/reviews/{reviewId}");
        Assert.Equal("decided", polled.GetProperty("status").GetString());
        Assert.Equal("deny", polled.GetProperty("label").GetString());

        var feedback = await WaitForFeedbackAsync(admin, "app-42", _time);
        Assert.Equal("deny", feedback.GetProperty("label").GetString());
        Assert.Equal("review", feedback.GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_claim_locks_the_item_until_it_expires_and_a_key_cannot_review_its_own_request()
    {
        using var admin = _factory.Admin();
        var (_, alice) = await KeyAsync(_factory, "reviewer", "alice");
        var (_, bob) = await KeyAsync(_factory, "reviewer", "bob");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999, claimMinutes = 10 });
        var (_, body) = await InferAsync(admin);
        var id = Parameter(body, "review_id");

        await PostAsync(admin, $"/api/reviews/{id}/claim", null, 403);
        await PostAsync(alice, $"/api/reviews/{id}/claim", null);
        await PostAsync(bob, $"/api/reviews/{id}/claim", null, 409);
        await PostAsync(bob, $"/api/reviews/{id}/decide", new { label = "1" }, 409);
        _time.Advance(TimeSpan.FromMinutes(11));
        var claimed = await PostAsync(bob, $"/api/reviews/{id}/claim", null);
        Assert.Equal(_time.GetUtcNow().AddMinutes(10), claimed.GetProperty("claimExpires").GetDateTimeOffset());
    }

    [Fact]
    public async Task Two_of_three_consensus_waits_for_a_second_agreeing_vote()
    {
        using var admin = _factory.Admin();
        var (_, a) = await KeyAsync(_factory, "reviewer", "a");
        var (_, b) = await KeyAsync(_factory, "reviewer", "b");
        var (_, c) = await KeyAsync(_factory, "reviewer", "c");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", minConfidence = 0.999, reviewersRequired = 2 });
        var (_, body) = await InferAsync(admin, id: "consensus-1");
        var id = Parameter(body, "review_id");

        var afterA = await PostAsync(a, $"/api/reviews/{id}/decide", new { label = "deny" });
        Assert.Equal("pending", afterA.GetProperty("status").GetString());
        await PostAsync(a, $"/api/reviews/{id}/decide", new { label = "deny" }, 409);
        var afterB = await PostAsync(b, $"/api/reviews/{id}/decide", new { label = "approve" });
        Assert.Equal("pending", afterB.GetProperty("status").GetString());
        var afterC = await PostAsync(c, $"/api/reviews/{id}/decide", new { label = "deny" });
        Assert.Equal("decided", afterC.GetProperty("status").GetString());
        Assert.Equal("deny", afterC.GetProperty("label").GetString());
        Assert.Equal(3, afterC.GetProperty("votes").GetArrayLength());
    }

    [Fact]
    public async Task Items_without_consensus_after_n_votes_escalate()
    {
        using var admin = _factory.Admin();
        var (_, a) = await KeyAsync(_factory, "reviewer", "a");
        var (_, b) = await KeyAsync(_factory, "reviewer", "b");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999, reviewersRequired = 2, maxReviewers = 2 });
        var (_, body) = await InferAsync(admin);
        var id = Parameter(body, "review_id");
        await PostAsync(a, $"/api/reviews/{id}/decide", new { label = "deny" });
        var after = await PostAsync(b, $"/api/reviews/{id}/decide", new { label = "approve" });
        Assert.Equal("escalated", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Items_past_their_deadline_escalate_on_the_sweep()
    {
        using var admin = _factory.Admin();
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999, deadlineMinutes = 30 });
        var (_, body) = await InferAsync(admin);
        var id = Parameter(body, "review_id");
        var queue = _factory.Services.GetRequiredService<ReviewQueue>();
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await queue.SweepAsync());
        Assert.Equal("pending", (await GetAsync(admin, $"/api/reviews/{id}")).GetProperty("status").GetString());

        // The background sweep runs on the same clock and may get there first; either way the item ends escalated.
        _time.Advance(TimeSpan.FromMinutes(2));
        await queue.SweepAsync();
        var item = await GetAsync(admin, $"/api/reviews/{id}");
        Assert.Equal("escalated", item.GetProperty("status").GetString());
        Assert.Contains("deadline passed", item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("refuse", null)]
    [InlineData("model", null)]
    [InlineData("default", "no")]
    public async Task A_held_request_past_its_deadline_gets_the_policy_answer_and_escalates_to_the_named_target(string answer, string? decision)
    {
        using var admin = _factory.Admin();
        var (_, consumer) = await KeyAsync(_factory, "consumer", "app");
        await KeyAsync(_factory, "reviewer", "rita");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", rule = "lvrat > 1.2", deadlineMinutes = 30, deadlineAnswer = answer, defaultDecision = decision, escalateTo = "credit-committee" });
        var (status, held) = await InferAsync(consumer, [0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1], id: "late-1");
        Assert.Equal(202, status);
        var id = Parameter(held, "review_id");
        var early = await GetAsync(consumer, $"/api/reviews/{id}");
        Assert.Equal(JsonValueKind.Null, early.GetProperty("deadlineAnswer").ValueKind);
        Assert.Equal(JsonValueKind.Null, early.GetProperty("outputs").ValueKind);

        _time.Advance(TimeSpan.FromMinutes(31));
        await _factory.Services.GetRequiredService<ReviewQueue>().SweepAsync(TestContext.Current.CancellationToken);

        var polled = await GetAsync(consumer, $"/api/reviews/{id}");
        Assert.Equal("escalated", polled.GetProperty("status").GetString());
        Assert.Equal(answer, polled.GetProperty("deadlineAnswer").GetString());
        Assert.Equal(decision, polled.GetProperty("decision").GetString());
        Assert.Equal("credit-committee", polled.GetProperty("escalateTo").GetString());
        Assert.Equal(answer == "model", polled.GetProperty("outputs").ValueKind == JsonValueKind.Array && polled.GetProperty("outputs").GetArrayLength() > 0);

        var audit = (await GetAsync(admin, "/api/audit?limit=1000")).GetProperty("items").EnumerateArray()
            .Last(e => e.GetProperty("action").GetString() == "review.escalate").GetProperty("details");
        Assert.Equal("credit-committee", audit.GetProperty("escalateTo").GetString());
        Assert.Equal(answer, audit.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Reviewer_labels_reach_the_feedback_store_in_the_outcome_vocabulary_of_the_label_map()
    {
        using var admin = _factory.Admin();
        var (_, consumer) = await KeyAsync(_factory, "consumer", "app");
        var (_, reviewer) = await KeyAsync(_factory, "reviewer", "rita");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "hold", rule = "lvrat > 1.2", labelMap = new Dictionary<string, string> { ["approve"] = "yes", ["deny"] = "no" } });
        var (_, held) = await InferAsync(consumer, [0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1], id: "map-1");
        var id = Parameter(held, "review_id");

        await PostAsync(reviewer, $"/api/reviews/{id}/decide", new { label = "no" }, 400);
        var decided = await PostAsync(reviewer, $"/api/reviews/{id}/decide", new { label = "deny" });
        Assert.Equal("deny", decided.GetProperty("label").GetString());
        Assert.Equal("no", decided.GetProperty("outcomeLabel").GetString());
        var feedback = await WaitForFeedbackAsync(admin, "map-1", _time);
        Assert.Equal("no", feedback.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Review_policies_with_unmapped_labels_or_a_default_answer_without_a_decision_are_refused()
    {
        using var admin = _factory.Admin();
        using var unmapped = await admin.PutAsync("/api/models/credit-risk/settings/review-policy", V2Requests.Raw(
            """{"mode":"hold","minConfidence":0.7,"labels":["approve","deny","unsure"],"labelMap":{"approve":"yes","deny":"no"}}"""), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unmapped.StatusCode);
        var problem = await unmapped.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("labelMap: no outcome label for ", problem, StringComparison.Ordinal);
        Assert.Contains("unsure", problem, StringComparison.Ordinal);

        using var noDecision = await admin.PutAsync("/api/models/credit-risk/settings/review-policy", V2Requests.Raw(
            """{"mode":"hold","minConfidence":0.7,"deadlineAnswer":"default"}"""), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, noDecision.StatusCode);
        Assert.Contains("defaultDecision", await noDecision.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Least_loaded_assignment_spreads_items_over_reviewers()
    {
        using var admin = _factory.Admin();
        var (aId, _) = await KeyAsync(_factory, "reviewer", "a");
        var (bId, _) = await KeyAsync(_factory, "reviewer", "b");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999 });
        var assigned = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var (_, body) = await InferAsync(admin);
            assigned.Add((await GetAsync(admin, $"/api/reviews/{Parameter(body, "review_id")}")).GetProperty("assignedTo").GetString()!);
        }

        Assert.Equal(2, assigned.Count(x => x == aId));
        Assert.Equal(2, assigned.Count(x => x == bId));
    }

    [Fact]
    public async Task Review_items_get_their_explanation_in_the_background()
    {
        using var admin = _factory.Admin();
        var (_, reviewer) = await KeyAsync(_factory, "reviewer", "rita");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999 });
        var (_, body) = await InferAsync(admin);
        var id = Parameter(body, "review_id");
        JsonElement item = default;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            item = await GetAsync(reviewer, $"/api/reviews/{id}");
            if (item.GetProperty("explanation").ValueKind == JsonValueKind.Object)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var explanation = item.GetProperty("explanation");
        Assert.Equal("exact", explanation.GetProperty("method").GetString());
        Assert.True(explanation.GetProperty("additivity").GetProperty("passed").GetBoolean());
        Assert.Equal(12, explanation.GetProperty("attributions").GetArrayLength());
    }

    [Fact]
    public async Task Agreement_reports_pairwise_cohen_and_overall_fleiss_kappa()
    {
        using var admin = _factory.Admin();
        var (aId, a) = await KeyAsync(_factory, "reviewer", "a");
        var (bId, b) = await KeyAsync(_factory, "reviewer", "b");
        await PutPolicyAsync(admin, "credit-risk", new { mode = "advise", minConfidence = 0.999, reviewersRequired = 2, maxReviewers = 2 });
        // Same labels as the hand-checked Cohen case: A = y y n n, B = y n n n → κ = 0.5.
        string[] la = ["y", "y", "n", "n"];
        string[] lb = ["y", "n", "n", "n"];
        for (var i = 0; i < 4; i++)
        {
            var (_, body) = await InferAsync(admin);
            var id = Parameter(body, "review_id");
            await PostAsync(a, $"/api/reviews/{id}/decide", new { label = la[i] });
            await PostAsync(b, $"/api/reviews/{id}/decide", new { label = lb[i] });
        }

        var report = await GetAsync(admin, "/api/reviews/agreement?model=credit-risk");
        var pair = Assert.Single(report.GetProperty("pairs").EnumerateArray());
        Assert.Equal(4, pair.GetProperty("items").GetInt32());
        Assert.Equal(0.5, pair.GetProperty("kappa").GetDouble(), 12);
        // Fleiss with two raters per item: counts (y,n) = [2,0],[1,1],[0,2],[0,2]; P_i = 1,0,1,1 → P̄ = 3/4;
        // p_y = 3/8, p_n = 5/8 → P̄_e = 9/64 + 25/64 = 34/64; κ = (48/64 − 34/64)/(30/64) = 14/30.
        Assert.Equal(14.0 / 30, report.GetProperty("fleissKappa").GetDouble(), 12);
        Assert.Equal(2, report.GetProperty("fleissRaters").GetInt32());
        var reviewers = report.GetProperty("reviewers").EnumerateArray().ToDictionary(r => r.GetProperty("reviewer").GetString()!);
        Assert.Equal(4, reviewers[aId].GetProperty("decisions").GetInt32());
        Assert.Equal(0.5, reviewers[bId].GetProperty("meanKappa").GetDouble(), 12);
    }

    private static async Task<JsonElement> WaitForFeedbackAsync(HttpClient admin, string predictionId, FakeTimeProvider time)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var rows = await GetAsync(admin, "/api/models/credit-risk/feedback");
            foreach (var row in rows.EnumerateArray())
            {
                if (row.GetProperty("id").GetString() == predictionId)
                {
                    return row;
                }
            }

            // The prediction log flushes on the injected clock.
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException($"no feedback for {predictionId}");
    }
}
