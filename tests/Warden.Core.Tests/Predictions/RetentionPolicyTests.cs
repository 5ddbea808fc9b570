using Warden.Core.Predictions;

namespace Warden.Core.Tests.Predictions;

public sealed class RetentionPolicyTests
{
    [Fact]
    public void Validate_accepts_the_defaults_and_a_full_document()
    {
        Assert.Empty(new RetentionPolicy().Validate());
        Assert.Empty(new RetentionPolicy { Keep = "features", SampleRate = 0.1, MaxAge = "30d", MaxRecords = 1_000_000, MaxBytes = 1L << 30 }.Validate());
    }

    [Fact]
    public void Validate_names_every_bad_field()
    {
        var problems = new RetentionPolicy { Keep = "most", SampleRate = 1.5, MaxAge = "-1d", MaxRecords = 0, MaxBytes = 0 }.Validate();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.Contains("'keep'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'sampleRate'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'maxAge'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'maxRecords'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'maxBytes'", StringComparison.Ordinal));
    }

    [Fact]
    public void Samples_keeps_about_the_rate_and_decides_the_same_way_for_the_same_id()
    {
        var policy = new RetentionPolicy { SampleRate = 0.25 };
        var ids = Enumerable.Range(0, 20_000).Select(i => Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000 + i)).ToString()).ToList();

        var share = ids.Count(policy.Samples) / (double)ids.Count;

        Assert.InRange(share, 0.22, 0.28);
        Assert.All(ids.Take(100), id => Assert.Equal(policy.Samples(id), policy.Samples(id)));
        Assert.True(new RetentionPolicy().Samples("any"));
        Assert.False(new RetentionPolicy { Keep = "nothing" }.Samples("any"));
    }
}
