using System.Globalization;
using Warden.Core.Statistics;
using Warden.Tests;

namespace Warden.Core.Tests.Statistics;

public class ShapiroWilkTestTests
{
    [Fact]
    public void W_for_three_points_matches_the_closed_form()
    {
        // n = 3: a = (−√½, 0, √½). x = (1, 2, 4): mean 7/3, deviations (−4/3, −1/3, 5/3),
        // SS = (16 + 1 + 25)/9 = 14/3; b = √½·(4 − 1), b² = 9/2; W = (9/2)/(14/3) = 27/28.
        // Exact p (Shapiro & Wilk 1965): (6/π)(asin √(27/28) − asin √¾)
        //   = 1.909859·(1.380671 − 1.047198) = 0.636887.
        var r = ShapiroWilkTest.Compute([4.0, 1.0, 2.0]);
        Assert.Equal(27.0 / 28.0, r.W, 12);
        Assert.Equal(6.0 / Math.PI * (Math.Asin(Math.Sqrt(27.0 / 28.0)) - Math.PI / 3.0), r.PValue, 12);
        Assert.Equal(0.636887, r.PValue, 5);
        Assert.Equal(3, r.N);
    }

    [Fact]
    public void Three_equally_spaced_points_give_W_one_and_p_one()
    {
        // x = (1, 2, 3): SS = 2, b = √½·2, b² = 2, W = 1; p = (6/π)(π/2 − π/3) = 1.
        var r = ShapiroWilkTest.Compute([3.0, 1.0, 2.0]);
        Assert.Equal(1.0, r.W, 12);
        Assert.Equal(1.0, r.PValue, 12);
    }

    [Fact]
    public void Three_points_with_a_tie_give_the_minimum_W_of_three_quarters()
    {
        // x = (0, 0, 1): mean 1/3, SS = 1/9 + 1/9 + 4/9 = 2/3, b² = ½, W = ½ / (2/3) = 3/4, the smallest W attainable for n = 3, so p = 0.
        var r = ShapiroWilkTest.Compute([0.0, 1.0, 0.0]);
        Assert.Equal(0.75, r.W, 12);
        Assert.Equal(0.0, r.PValue, 9);
    }

    [Fact]
    public void Published_example_of_Shapiro_and_Wilk_1965_gives_W_0_79()
    {
        // Shapiro & Wilk (1965), Biometrika 52, §4 worked example (weights of 11 men, pounds): W = 0.79,
        // significant at the 1 % level. Royston's approximate coefficients reproduce it to two decimals.
        var r = ShapiroWilkTest.Compute([148.0, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236]);
        Assert.Equal(0.79, r.W, 2);
        Assert.InRange(r.PValue, 0.001, 0.01);
    }

    [Fact]
    public void Matches_the_independent_python_implementation_on_synthetic_and_hmda_samples()
    {
        var fixture = RepoFiles.Path("tests/fixtures/abuse/shapiro_wilk_expected.tsv");
        int checkedCases = 0;
        foreach (var line in File.ReadLines(fixture))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            var sample = Load(parts[1]);
            double w = double.Parse(parts[2], CultureInfo.InvariantCulture);
            double p = double.Parse(parts[3], CultureInfo.InvariantCulture);
            var r = ShapiroWilkTest.Compute(sample);
            Assert.True(Math.Abs(r.W - w) < 1e-10, $"{parts[0]}: W {r.W} vs {w}");
            Assert.True(Math.Abs(r.PValue - p) <= 1e-9 * Math.Max(p, 1e-300) + 1e-12, $"{parts[0]}: p {r.PValue} vs {p}");
            checkedCases++;
        }

        Assert.True(checkedCases >= 15, $"only {checkedCases} fixture cases");
    }

    [Fact]
    public void Order_of_the_sample_does_not_change_the_result()
    {
        double[] x = [5, 3, 8, 1, 9, 2, 7, 7, 6, 4, 12, 30];
        var reversed = x.Reverse().ToArray();
        Assert.Equal(ShapiroWilkTest.Compute(x), ShapiroWilkTest.Compute(reversed));
    }

    [Fact]
    public void Coefficients_have_unit_sum_of_squares()
    {
        foreach (int n in new[] { 3, 4, 5, 6, 7, 11, 12, 50, 999, 5000 })
        {
            var upper = ShapiroWilkTest.Coefficients(n);
            double sum = 2 * upper.Sum(v => v * v);
            Assert.Equal(1.0, sum, 10);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5001)]
    public void Sizes_outside_three_to_five_thousand_are_rejected(int n)
    {
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        Assert.Throws<ArgumentException>(() => ShapiroWilkTest.Compute(x));
    }

    [Fact]
    public void Constant_sample_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilkTest.Compute([2.0, 2.0, 2.0, 2.0]));
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilkTest.Compute([1.0, double.NaN, 2.0, 3.0]));
    }

    private static double[] Load(string spec)
    {
        if (spec.StartsWith("inline:", StringComparison.Ordinal))
        {
            return spec["inline:".Length..].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }

        var p = spec.Split(':');
        var column = HmdaRows.Column(p[1]);
        return column.Skip(int.Parse(p[2], CultureInfo.InvariantCulture)).Take(int.Parse(p[3], CultureInfo.InvariantCulture)).ToArray();
    }
}
