namespace Warden.Training;

/// <summary>
/// Splits rows into training and hold-out sets so that each class keeps its share: within each class the rows are
/// shuffled with a seeded Fisher–Yates shuffle (<see cref="SeededShuffle"/>) and the first round(fraction × class size) go to the hold-out set.
/// Both sets keep the rows' original order, so the split depends on the seed and the data only.
/// </summary>
internal static class StratifiedSplit
{
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Holdout) Split<T>(
        IReadOnlyList<T> rows, Func<T, bool> positive, double holdoutFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(holdoutFraction, 0d);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(holdoutFraction, 1d);

        var shuffle = new SeededShuffle(seed);
        var holdout = new HashSet<int>();
        foreach (var classValue in new[] { false, true })
        {
            var indices = Enumerable.Range(0, rows.Count).Where(i => positive(rows[i]) == classValue).ToArray();
            shuffle.Shuffle(indices);
            var take = (int)Math.Round(holdoutFraction * indices.Length, MidpointRounding.AwayFromZero);
            holdout.UnionWith(indices.Take(take));
        }

        var train = new List<T>(rows.Count - holdout.Count);
        var test = new List<T>(holdout.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            (holdout.Contains(i) ? test : train).Add(rows[i]);
        }

        return (train, test);
    }
}
