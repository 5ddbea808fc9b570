using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Context.ReviewFixture;

namespace Warden.Server.Tests.Context;

/// <summary>The walk-through of docs/context.md, run for real; the transcript is written to the temp folder for the doc.</summary>
public sealed class WorkedExampleTests : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly WardenFactory _factory;
    private readonly StringBuilder _transcript = new();

    public WorkedExampleTests() => _factory = new WardenFactory { Time = _time };

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Credit_risk_behind_a_rule_with_a_review_band_ends_as_a_reviewer_label()
    {
        using var admin = _factory.Admin();
        var (_, consumer) = await KeyAsync(_factory, "consumer", "loan-app");
        var (reviewerId, reviewer) = await KeyAsync(_factory, "reviewer", "underwriter");
        var pipeline = new
        {
            steps = new object[]
            {
                new { name = "high-ltv", type = "rule", condition = "lvrat > 1.2", action = "decide", label = "refer" },
                new { name = "risk", type = "model", model = "credit-risk" },
                new { name = "unsure", type = "review", minConfidence = 0.8, mode = "hold" },
                new { name = "cut", type = "threshold", threshold = 0.5 },
            },
            positiveLabel = "deny",
            negativeLabel = "approve",
        };
        await PutPolicyAsync(admin, "credit-risk", pipeline, "pipeline");
        Log("PUT /api/models/credit-risk/settings/pipeline", pipeline);

        // 1. An applicant with a loan-to-value ratio of 1.3: the rule refers them without asking the model.
        double[] highLtv = [0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1];
        var (status, referred) = await InferAsync(consumer, highLtv, id: "app-1001");
        Log($"POST /v2/models/credit-risk/infer (lvrat = 1.3) → {status}", referred);
        Assert.Equal(200, status);
        Assert.Equal("rule:high-ltv", Parameter(referred, "decided_by"));

        // 2. Applicants from the background sample until one falls in the low-confidence band (0.2 < p < 0.8): held.
        var rows = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/background.csv")).Skip(1)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).Where(r => r[2] <= 1.2).ToList();
        JsonElement held = default;
        string? requestId = null;
        for (var i = 0; i < rows.Count && requestId is null; i++)
        {
            // The applicant's group travels as a sensitive attribute: recorded for fairness audits, never fed to the model.
            var request = V2Requests.CreditRisk(rows[i], $"app-{2000 + i}");
            request["parameters"] = new System.Text.Json.Nodes.JsonObject { ["sensitive.afam"] = i % 2 == 0 ? "no" : "yes" };
            using var response = await consumer.InferAsync(request);
            var (code, body) = ((int)response.StatusCode, await response.ReadJsonAsync());
            if (code == 202)
            {
                held = body;
                requestId = $"app-{2000 + i}";
                Log($"POST /v2/models/credit-risk/infer (background row {i + 1}) → {code}", body);
            }
        }

        Assert.NotNull(requestId);
        var reviewId = Parameter(held, "review_id");
        Assert.Equal(0, held.GetProperty("outputs").GetArrayLength());

        var polled = await GetAsync(consumer, $"/api/reviews/{reviewId}");
        Log($"GET /api/reviews/{{id}} (as the caller)", polled);

        // 3. The underwriter sees the item (with the reason and, once computed, the explanation), claims and decides it.
        var queue = await GetAsync(reviewer, "/api/reviews?mine=true");
        var item = Assert.Single(queue.EnumerateArray());
        Assert.Equal(reviewerId, item.GetProperty("assignedTo").GetString());
        Log("GET /api/reviews?mine=true (as the reviewer; inputs and outputs elided)", new
        {
            id = "…",
            predictionId = item.GetProperty("predictionId").GetString(),
            status = item.GetProperty("status").GetString(),
            reasons = item.GetProperty("reasons"),
            score = item.GetProperty("score").GetDouble(),
        });
        await PostAsync(reviewer, $"/api/reviews/{reviewId}/claim", null);
        var decided = await PostAsync(reviewer, $"/api/reviews/{reviewId}/decide", new { label = "deny", note = "payments-to-income too high for the loan size" });
        Assert.Equal("decided", decided.GetProperty("status").GetString());
        Log("POST /api/reviews/{id}/decide {\"label\":\"deny\"} → status", new { status = decided.GetProperty("status").GetString(), label = decided.GetProperty("label").GetString() });

        polled = await GetAsync(consumer, $"/api/reviews/{reviewId}");
        Assert.Equal("deny", polled.GetProperty("label").GetString());
        Log("GET /api/reviews/{id} (as the caller, after the decision)", polled);

        // 4. The decision is ground truth for audits and retraining.
        JsonElement label = default;
        for (var attempt = 0; attempt < 200 && label.ValueKind == JsonValueKind.Undefined; attempt++)
        {
            foreach (var row in (await GetAsync(admin, "/api/models/credit-risk/feedback")).EnumerateArray())
            {
                if (row.GetProperty("id").GetString() == requestId)
                {
                    label = row;
                }
            }

            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Equal("deny", label.GetProperty("label").GetString());
        Assert.Equal("review", label.GetProperty("source").GetString());
        Log("GET /api/models/credit-risk/feedback", new[] { label });

        // 5. The next fairness report over live traffic counts the reviewer's label as the held applicant's outcome.
        var audit = await PostAsync(admin, "/api/models/credit-risk/fairness/reports",
            new { since = "1h", sensitiveFeatures = new[] { "afam" }, positiveLabel = "deny", minGroupSize = 1, bootstrap = 0 }, expected: 201);
        var report = audit.GetProperty("report");
        var dataset = report.GetProperty("dataset");
        Assert.Equal(1, dataset.GetProperty("rows").GetInt32());
        var heldGroup = (int.Parse(requestId[4..], CultureInfo.InvariantCulture) - 2000) % 2 == 0 ? "no" : "yes";
        var groups = report.GetProperty("sections")[0].GetProperty("groups");
        var group = Assert.Single(groups.EnumerateArray());
        Assert.Equal($"afam={heldGroup}", group.GetProperty("key").GetString());
        Log("POST /api/models/credit-risk/fairness/reports {\"since\":\"1h\",\"sensitiveFeatures\":[\"afam\"],\"positiveLabel\":\"deny\",\"minGroupSize\":1} → 201 (excerpt)", new
        {
            id = audit.GetProperty("id"),
            dataset,
            group = group.GetProperty("key").GetString(),
            count = group.GetProperty("count"),
            confusion = group.GetProperty("confusion"),
            selectionRate = group.GetProperty("selectionRate").GetProperty("value"),
            baseRate = group.GetProperty("baseRate").GetProperty("value"),
        });
        Assert.Equal(1, group.GetProperty("baseRate").GetProperty("value").GetDouble());
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "warden-context-example.md"), _transcript.ToString(), TestContext.Current.CancellationToken);
    }

    private void Log(string title, object body)
    {
        var json = body is JsonElement element ? JsonSerializer.Serialize(element, Indented) : JsonSerializer.Serialize(body, Indented);
        _transcript.Append("### ").AppendLine(title).AppendLine().AppendLine("```json").AppendLine(json).AppendLine("```").AppendLine();
    }
}
