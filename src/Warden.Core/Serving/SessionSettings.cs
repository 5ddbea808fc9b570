namespace Warden.Core.Serving;

/// <summary>
/// ONNX Runtime session settings of one deployment. Unset values fall back to the server-wide <c>Warden:Onnx</c> settings.
/// A change reloads the model's sessions; requests in flight finish on the old ones.
/// </summary>
public sealed record SessionSettings
{
    /// <summary>Most sessions of one version (memory grows with each: every session holds its own copy of the weights).</summary>
    public const int MaxSessions = 16;

    /// <summary>Threads inside one operator (0 lets ONNX Runtime choose: one per core).</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Threads across independent operators (used only by graphs with parallel branches).</summary>
    public int? InterOpThreads { get; init; }

    /// <summary>
    /// Sessions per version; requests are spread over them round-robin. One session already runs concurrent requests; more
    /// only help when a session-wide resource (its intra-op thread pool) is the bottleneck.
    /// </summary>
    public int Sessions { get; init; } = 1;

    /// <summary>Graph optimisation level: <c>none</c>, <c>basic</c>, <c>extended</c> or <c>all</c> (default).</summary>
    public string GraphOptimizationLevel { get; init; } = "all";

    internal void Validate(List<string> problems)
    {
        if (IntraOpThreads is < 0 or > 256)
        {
            problems.Add($"session.intraOpThreads must be between 0 and 256, got {IntraOpThreads}");
        }

        if (InterOpThreads is < 0 or > 256)
        {
            problems.Add($"session.interOpThreads must be between 0 and 256, got {InterOpThreads}");
        }

        if (Sessions is < 1 or > MaxSessions)
        {
            problems.Add($"session.sessions must be between 1 and {MaxSessions}, got {Sessions}");
        }

        if (!Inference.OnnxOptions.IsOptimizationLevel(GraphOptimizationLevel))
        {
            problems.Add($"session.graphOptimizationLevel must be none, basic, extended or all, got '{GraphOptimizationLevel}'");
        }
    }
}
