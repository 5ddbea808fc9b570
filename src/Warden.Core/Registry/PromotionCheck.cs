namespace Warden.Core.Registry;

/// <summary>Verdict of one <see cref="IPromotionGate"/>.</summary>
/// <param name="Gate">Gate name.</param>
/// <param name="Passed">True when promotion may proceed.</param>
/// <param name="Failures">Human-readable reasons for refusing (empty when passed).</param>
public sealed record PromotionCheck(string Gate, bool Passed, IReadOnlyList<string> Failures)
{
    /// <summary>A passing verdict.</summary>
    public static PromotionCheck Pass(string gate) => new(gate, true, []);
}
