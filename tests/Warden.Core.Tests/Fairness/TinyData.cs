using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

/// <summary>Builds small hand-checkable datasets.</summary>
internal static class TinyData
{
    internal static FairnessDataset Make(string[] groups, int[] y, int[] p, double[]? w = null, double[]? scores = null, string feature = "g") =>
        FairnessDataset.Create(
            y.Select(v => (byte)v).ToArray(),
            p.Select(v => (byte)v).ToArray(),
            [new KeyValuePair<string, string[]>(feature, groups)],
            scores,
            w);

    // Group A (5 rows): TP=2, FN=1, FP=1, TN=1. Group B (4 rows): TP=1, FP=1, TN=2. Group C (2 rows): FP=1, TN=1 (no positives).
    internal static FairnessDataset ThreeGroups() => Make(
        ["A", "A", "A", "A", "A", "B", "B", "B", "B", "C", "C"],
        [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0],
        [1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1]);

    internal static FairnessOptions Options(int minGroupSize = 1, int bootstrap = 0, IReadOnlyDictionary<string, string>? privileged = null) => new()
    {
        MinGroupSize = minGroupSize,
        BootstrapResamples = bootstrap,
        Privileged = privileged ?? new Dictionary<string, string>(),
    };
}
