using Warden.Core.Review;

namespace Warden.Core.Tests.Review;

public sealed class ReviewTriggersTests
{
    [Fact]
    public void A_single_score_is_read_as_a_binary_distribution()
    {
        // p = 0.62: probabilities [0.38, 0.62]; confidence 0.62, margin 0.62 − 0.38 = 0.24.
        var (confidence, margin) = ReviewTriggers.ConfidenceAndMargin(ReviewTriggers.Probabilities([0.62]));
        Assert.Equal(0.62, confidence, 12);
        Assert.Equal(0.24, margin, 12);
    }

    [Fact]
    public void Margin_of_a_class_distribution_is_the_gap_between_the_two_largest()
    {
        var (confidence, margin) = ReviewTriggers.ConfidenceAndMargin(ReviewTriggers.Probabilities([0.2, 0.45, 0.35]));
        Assert.Equal(0.45, confidence, 12);
        Assert.Equal(0.10, margin, 12);
    }

    [Fact]
    public void Audit_sample_is_deterministic_and_close_to_the_rate()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => "req-" + i).ToList();
        var sampled = ids.Count(id => ReviewTriggers.AuditSampled(7, id, 0.05));
        Assert.Equal(sampled, ids.Count(id => ReviewTriggers.AuditSampled(7, id, 0.05)));
        // Binomial(20000, 0.05): mean 1000, sd √(20000·0.05·0.95) ≈ 30.8; ±5 sd.
        Assert.InRange(sampled, 846, 1154);
        Assert.False(ReviewTriggers.AuditSampled(7, "x", 0));
    }

    [Fact]
    public void Policy_validation_names_each_bad_field()
    {
        var policy = new ReviewPolicy { Mode = "wait", MinConfidence = 1.5, ReviewersRequired = 0, Rule = "lvrat >" };
        var problems = policy.Validate();
        Assert.Contains(problems, p => p.StartsWith("mode:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("minConfidence:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("reviewersRequired:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("rule:", StringComparison.Ordinal));
    }
}
