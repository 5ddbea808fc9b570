using Warden.Core.Drift;

namespace Warden.Core.Tests.Drift;

public class DriftStatisticsTests
{
    [Fact]
    public void Value_bins_treat_one_fp32_value_read_three_ways_as_one_value()
    {
        // 3.1 as a CSV written from a float, as the float itself widened, and as JSON's shortest decimal: one applicant's
        // unemployment rate. Reference 5 × 3.1 and 5 × 1; current the same people: two bins, equal shares, PSI 0.
        double[] reference = [1, 1, 1, 1, 1, 3.09999990463257, 3.09999990463257, 3.09999990463257, 3.09999990463257, 3.09999990463257];
        double[] current = [1, 1, 1, 1, 1, (double)3.1f, (double)3.1f, 3.1, 3.1, 3.1];
        Array.Sort(current);

        var bins = DriftBinning.DistinctValues(reference, current);

        Assert.Equal(2, bins.Labels.Count);
        Assert.Equal([5L, 5L], bins.ReferenceCounts);
        Assert.Equal([5L, 5L], bins.CurrentCounts);
        Assert.Equal(0, PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares()), 12);
        Assert.Equal(2, DriftBinning.DistinctUnionCount(reference, current));
        Assert.Equal(2, DriftBinning.DistinctCount(current));

        // Values a model can tell apart stay apart: 3.1 and 3.1001 differ by 3e-5 relative.
        Assert.Equal(3, DriftBinning.DistinctValues([1, 3.1], [3.1001]).Labels.Count);
    }

    [Fact]
    public void Ks_statistic_consumes_ties_on_both_sides()
    {
        // a = {1,2,2,3}, b = {2,3,4,5}. ECDFs after each distinct value:
        // x=1: 1/4 vs 0 → .25; x=2: 3/4 vs 1/4 → .5; x=3: 1 vs 2/4 → .5; x=4: 1 vs 3/4 → .25; x=5: 0. D = 0.5.
        Assert.Equal(0.5, KolmogorovSmirnovTest.Statistic([1, 2, 2, 3], [2, 3, 4, 5]), 12);
    }

    [Fact]
    public void Ks_exact_p_value_for_equal_sizes_matches_lattice_path_count()
    {
        // {1,2,3} vs {4,5,6}: D = 1; only 2 of C(6,3) = 20 orderings reach D = 1, so p = 2/20 = 0.1.
        var r = KolmogorovSmirnovTest.Test([1, 2, 3], [4, 5, 6]);
        Assert.Equal(1.0, r.Statistic, 12);
        Assert.True(r.Exact);
        Assert.Equal(0.1, r.PValue, 12);

        // {1,2,4} vs {3,5,6}: D = 2/3 (at x = 4: 1 vs 1/3). P(D ≥ 2/3) = 2·C(6, 3−2)/C(6,3) = 2·6/20 = 0.6.
        var s = KolmogorovSmirnovTest.Test([1, 2, 4], [3, 5, 6]);
        Assert.Equal(2.0 / 3, s.Statistic, 12);
        Assert.Equal(0.6, s.PValue, 12);
    }

    [Fact]
    public void Ks_exact_p_value_for_unequal_sizes_matches_lattice_path_count()
    {
        // {1,2} vs {3,4,5}: D = 1, reached by 2 of C(5,2) = 10 orderings → p = 0.2 (inside method, n ≠ m).
        var r = KolmogorovSmirnovTest.Test([1, 2], [3, 4, 5]);
        Assert.Equal(0.2, r.PValue, 12);
        Assert.Equal(1.0, KolmogorovSmirnovTest.Test([1, 2, 3], [1, 2, 3, 3]).PValue, 12);
    }

    [Fact]
    public void Kolmogorov_limit_survival_matches_series_at_the_5_percent_point()
    {
        // Q(1.36) = 2(e^{−2·1.36²} − e^{−8·1.36²} + e^{−18·1.36²}) = 0.0494859 (the classical 5% critical value ≈ 1.358).
        Assert.Equal(0.049485876755, KolmogorovSmirnovTest.KolmogorovSurvival(1.36), 10);
        // Small λ uses the theta form; both forms agree where they meet.
        Assert.Equal(KolmogorovSmirnovTest.KolmogorovSurvival(0.9999999), KolmogorovSmirnovTest.KolmogorovSurvival(1.0), 6);
        Assert.Equal(1.0, KolmogorovSmirnovTest.KolmogorovSurvival(0.05), 12);
    }

    [Fact]
    public void Ks_uses_asymptotic_p_value_above_ten_thousand_rows()
    {
        var a = Enumerable.Range(0, 10_001).Select(i => i / 10_001.0).ToArray();
        var b = Enumerable.Range(0, 500).Select(i => (i / 500.0) + 0.05).ToArray();
        var r = KolmogorovSmirnovTest.Test(a, b);
        Assert.False(r.Exact);
        Assert.Equal(KolmogorovSmirnovTest.AsymptoticPValue(r.Statistic, a.Length, b.Length), r.PValue, 15);
    }

    [Fact]
    public void Chi_square_scales_reference_counts_to_the_current_size()
    {
        // ref [10,20,30,40] (n=100), cur [20,20,20,40] (n=100) → expected = ref.
        // X² = 10²/10 + 0 + 10²/30 + 0 = 13.3333; df = 3;
        // p = erfc(√(X²/2)) + √(2X²/π)·e^{−X²/2} (closed form for 3 df) = 0.0039685.
        var r = ChiSquareTest.Test([10, 20, 30, 40], [20, 20, 20, 40]);
        Assert.Equal(40.0 / 3, r.Statistic, 10);
        Assert.Equal(3, r.DegreesOfFreedom);
        Assert.Equal(0.003968500465848, r.PValue, 12);
    }

    [Fact]
    public void Chi_square_is_certain_drift_when_a_category_is_new()
    {
        var r = ChiSquareTest.Test([5, 5, 0], [5, 5, 1]);
        Assert.True(double.IsPositiveInfinity(r.Statistic));
        Assert.Equal(0.0, r.PValue);
    }

    [Fact]
    public void Z_test_pools_the_proportions()
    {
        // 30/100 vs 50/100: p̂ = 0.4, se = √(0.4·0.6·(1/100 + 1/100)) = 0.069282, z = −0.2/0.069282 = −2.886751,
        // p = erfc(2.886751/√2) = 0.0038924.
        var r = ProportionZTest.Test(30, 100, 50, 100);
        Assert.Equal(-2.886751345948, r.Z, 10);
        Assert.Equal(0.003892417122779, r.PValue, 12);
        Assert.Equal(1.0, ProportionZTest.Test(0, 10, 0, 20).PValue);
    }

    [Fact]
    public void Wasserstein_integrates_the_gap_between_empirical_cdfs()
    {
        // A shift by 5 moves every unit of mass 5: W = 5.
        Assert.Equal(5.0, WassersteinDistance.Distance([0, 1, 3], [5, 6, 8]), 12);
        // {0,1} vs {0,3}: on [1,3) F_a = 1 and F_b = 0.5 → W = 0.5·2 = 1; σ_ref = 0.5 → normalised 2.
        Assert.Equal(1.0, WassersteinDistance.Distance([0, 1], [0, 3]), 12);
        Assert.Equal(2.0, WassersteinDistance.Normalised([0, 1], [0, 3]), 12);
        // A constant reference divides by the 0.001 floor.
        Assert.Equal(1000.0, WassersteinDistance.Normalised([2, 2], [3, 3]), 9);
    }

    [Fact]
    public void Jensen_shannon_distance_is_base_two()
    {
        Assert.Equal(1.0, JensenShannonDistance.Distance([1, 0], [0, 1]), 12);
        Assert.Equal(0.0, JensenShannonDistance.Distance([2, 3], [4, 6]), 12);
        // P = (.5,.5), Q = (1,0), M = (.75,.25): KL(P‖M) = .5·log2(2/3) + .5·log2(2) = 0.2075187,
        // KL(Q‖M) = log2(4/3) = 0.4150375; JS = √((0.2075187 + 0.4150375)/2) = 0.5579230.
        Assert.Equal(0.557923045284, JensenShannonDistance.Distance([0.5, 0.5], [1, 0]), 11);
    }

    [Fact]
    public void Psi_sums_share_differences_times_log_ratio()
    {
        // (.5 − .25)·ln(.5/.25) + (.5 − .75)·ln(.5/.75) = .25·0.693147 + .25·0.405465 = 0.2746531.
        Assert.Equal(0.274653072167, PopulationStabilityIndex.Compute([0.5, 0.5], [0.25, 0.75]), 11);
    }

    [Fact]
    public void Psi_replaces_an_empty_bin_by_epsilon()
    {
        // Reference bin 3 is empty → 0.0001 (the smallest non-zero share 0.5 exceeds 0.0001):
        // 2·(.5 − .4)·ln(.5/.4) + (0.0001 − 0.2)·ln(0.0001/0.2) = 0.0446287 + 1.5194204 = 1.5640491.
        Assert.Equal(1.5640491119253, PopulationStabilityIndex.Compute([0.5, 0.5, 0], [0.4, 0.4, 0.2]), 10);
        // When the smallest non-zero share is ≤ 0.0001 the fill is that share / 10⁶.
        Assert.Equal([0.99995, 0.00005, 5e-11], PopulationStabilityIndex.FillZeros([0.99995, 0.00005, 0]));
    }

    [Fact]
    public void Sturges_edges_follow_numpy()
    {
        // range 10, N = 8: width = 10/(log2 8 + 1) = 2.5 → 4 bins.
        Assert.Equal([0, 2.5, 5, 7.5, 10], DriftBinning.SturgesEdges(0, 10, 8));
        // [a, b) except the closed last bin: 0 → bin 0, 2.5 → bin 1, 10 → bin 3; −1 is outside.
        Assert.Equal([1L, 1, 0, 1], DriftBinning.CountSorted([-1, 0, 2.5, 10], [0, 2.5, 5, 7.5, 10]));
    }

    [Fact]
    public void Quantile_bins_cut_the_reference_at_deciles()
    {
        // Reference 1..10: quartile cut points (type 7) at 3.25, 5.5, 7.75 → bins hold 3, 2, 2, 3 reference values.
        var bins = DriftBinning.ReferenceQuantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 100], 4);
        Assert.Equal([double.NegativeInfinity, 3.25, 5.5, 7.75, double.PositiveInfinity], bins.Edges!);
        Assert.Equal([3L, 2, 2, 3], bins.ReferenceCounts);
        Assert.Equal([1L, 0, 0, 1], bins.CurrentCounts);
    }

    [Theory]
    [InlineData(1000, FeatureKind.Numerical, 6, DriftTest.KolmogorovSmirnov)]
    [InlineData(1000, FeatureKind.Numerical, 5, DriftTest.ChiSquare)]
    [InlineData(1000, FeatureKind.Numerical, 2, DriftTest.ZTest)]
    [InlineData(1000, FeatureKind.Categorical, 3, DriftTest.ChiSquare)]
    [InlineData(1000, FeatureKind.Categorical, 2, DriftTest.ZTest)]
    [InlineData(1001, FeatureKind.Numerical, 6, DriftTest.Wasserstein)]
    [InlineData(1001, FeatureKind.Numerical, 5, DriftTest.JensenShannon)]
    [InlineData(1001, FeatureKind.Categorical, 2, DriftTest.JensenShannon)]
    public void Default_test_follows_evidently(int referenceSize, FeatureKind kind, int distinct, DriftTest expected) =>
        Assert.Equal(expected, DriftTestSelector.Select(referenceSize, kind, distinct));
}
