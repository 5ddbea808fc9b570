using System.Text.Json.Serialization;

namespace Warden.Core.Monitoring;

/// <summary>
/// The <c>rollout</c> settings document of a model: a shadow version that receives a copy of production traffic off the
/// request path, a canary that answers a share of it, and the challenger policy gating promotion.
/// </summary>
public sealed class RolloutSettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "rollout";

    /// <summary>Purpose recorded on shadow predictions (they are logged, never returned).</summary>
    public const string ShadowPurpose = "shadow";

    /// <summary>Suffix of a shadow prediction's id: the production request id followed by this.</summary>
    public const string ShadowIdSuffix = ":shadow";

    /// <summary>Version that shadows production, or null.</summary>
    public string? Shadow { get; set; }

    /// <summary>Canary plan, or null.</summary>
    public CanaryPlan? Canary { get; set; }

    /// <summary>Challenger gate; promotion is not gated on comparison when null.</summary>
    public ChallengerPolicy? Challenger { get; set; }

    /// <summary>The version under comparison (shadow first, then canary), or null.</summary>
    [JsonIgnore]
    public string? Candidate => Shadow ?? Canary?.Version;

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Shadow is not null && string.IsNullOrWhiteSpace(Shadow))
        {
            problems.Add("shadow must name a version");
        }

        if (Canary is { } canary)
        {
            if (string.IsNullOrWhiteSpace(canary.Version))
            {
                problems.Add("canary.version is required");
            }

            if (canary.Percent is < 0 or > 100 || double.IsNaN(canary.Percent))
            {
                problems.Add("canary.percent must be between 0 and 100");
            }

            if (canary.MaxErrorRate is { } e && !(e is >= 0 and <= 1))
            {
                problems.Add("canary.maxErrorRate must be in [0, 1]");
            }

            if (canary.MaxP99Ms is { } p && !(p > 0))
            {
                problems.Add("canary.maxP99Ms must be positive");
            }

            if (!(canary.BakeMinutes > 0))
            {
                problems.Add("canary.bakeMinutes must be positive");
            }
        }

        if (Challenger is { } challenger)
        {
            problems.AddRange(challenger.Metrics.Where(m => !RolloutMetrics.Names.Contains(m))
                .Select(m => $"challenger metric '{m}' is unknown; known: {string.Join(", ", RolloutMetrics.Names)}"));
            if (challenger.MinLabelled < 1)
            {
                problems.Add("challenger.minLabelled must be at least 1");
            }
        }

        return problems;
    }

    /// <summary>
    /// Problems of a plan against what <paramref name="model"/> can serve: a canary or shadow on a version that is archived,
    /// unloaded or absent would send traffic to a version that only answers errors, so it is refused when the plan is set.
    /// </summary>
    public IReadOnlyList<string> Validate(string model, Func<string, bool> servable)
    {
        ArgumentNullException.ThrowIfNull(servable);
        var problems = Validate().ToList();
        foreach (var (role, version) in new[] { ("canary", Canary?.Version), ("shadow", Shadow) })
        {
            if (!string.IsNullOrWhiteSpace(version) && !servable(version))
            {
                problems.Add($"{role} version '{version}' of model '{model}' is not deployed and loaded (archived, unloaded or unknown)");
            }
        }

        return problems;
    }
}
