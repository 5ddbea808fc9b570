using Warden.Core.Drift;

namespace Warden.Core.Tests.Drift;

public class FiniteSortTests
{
    [Fact]
    public void Radix_sort_matches_array_sort_and_drops_non_finite_values()
    {
        var random = new Random(5);
        var values = new double[10_000];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300));
        }

        values[3] = double.NaN;
        values[4] = double.PositiveInfinity;
        values[5] = double.NegativeInfinity;
        values[6] = -0.0;
        values[7] = 0.0;
        values[8] = double.MaxValue;
        values[9] = -double.Epsilon;
        var expected = values.Where(double.IsFinite).ToArray();
        Array.Sort(expected);

        var actual = FiniteSort.Sorted(values);
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < actual.Length; k++)
        {
            Assert.True(expected[k] == actual[k], $"index {k}: {expected[k]} vs {actual[k]}");
        }
    }

    [Fact]
    public void Radix_sort_handles_constant_and_tiny_inputs()
    {
        Assert.Equal(Enumerable.Repeat(2.5, 1000), FiniteSort.Sorted(Enumerable.Repeat(2.5, 1000).ToArray()));
        Assert.Equal([1.0, 3.0], FiniteSort.Sorted([3.0, double.NaN, 1.0]));
        Assert.Empty(FiniteSort.Sorted([double.NaN]));
    }
}
