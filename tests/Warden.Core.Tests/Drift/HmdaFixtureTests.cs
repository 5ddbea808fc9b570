using System.Text.Json;
using Warden.Core.Drift;
using Warden.Tests;

namespace Warden.Core.Tests.Drift;

/// <summary>
/// Compares Warden's statistics on real data with tests/fixtures/drift/hmda_drift_expected.json, written by the
/// independent stdlib-only script tests/fixtures/drift/drift_reference.py.
/// </summary>
public class HmdaFixtureTests
{
    private static readonly string[] Numerical = ["pirat", "hirat", "lvrat", "chist", "mhist", "unemp"];
    private static readonly string[] Categorical = ["deny", "phist", "selfemp", "insurance", "condomin", "single", "hschool"];
    private static readonly Lazy<ColumnSet> Hmda = new(() => ColumnSet.FromCsv(RepoFiles.Path("samples/data/hmda.csv")));
    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("tests/fixtures/drift/hmda_drift_expected.json"))).RootElement.GetProperty("splits"));

    public static TheoryData<string> Splits => new("afamNoToYes", "afamYesToNo", "firstHalfToSecondHalf");

    [Theory]
    [MemberData(nameof(Splits))]
    public void Numerical_statistics_match_the_python_reference(string split)
    {
        var (reference, current) = Split(split);
        var expected = Expected.Value.GetProperty(split).GetProperty("numerical");
        foreach (string name in Numerical)
        {
            var e = expected.GetProperty(name);
            double[] r = Sorted(reference.Find(name)!.Numbers!);
            double[] c = Sorted(current.Find(name)!.Numbers!);
            var ks = KolmogorovSmirnovTest.Test(r, c);
            Close(e.GetProperty("ks").GetProperty("statistic").Num(), ks.Statistic, name + " KS D");
            Assert.True(ks.Exact);
            Close(e.GetProperty("ks").GetProperty("pExact").Num(), ks.PValue, name + " KS exact p");
            Close(e.GetProperty("ks").GetProperty("pAsymptotic").Num(), KolmogorovSmirnovTest.AsymptoticPValue(ks.Statistic, r.Length, c.Length), name + " KS asymptotic p");
            Close(e.GetProperty("wasserstein").Num(), WassersteinDistance.Distance(r, c), name + " W1");
            Close(e.GetProperty("wassersteinNormalised").Num(), WassersteinDistance.Normalised(r, c), name + " W1 normalised");
            Assert.Equal(e.GetProperty("distinct").GetInt32(), DriftBinning.DistinctUnionCount(r, c));

            var bins = DriftBinning.Evidently(r, c);
            Assert.Equal(e.GetProperty("evidentlyBins").GetInt32(), bins.Labels.Count);
            Close(e.GetProperty("jensenShannon").Num(), JensenShannonDistance.Distance(bins.ReferenceShares(), bins.CurrentShares()), name + " JS");
            Close(e.GetProperty("psiEvidently").Num(), PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares()), name + " PSI");
            var deciles = DriftBinning.ReferenceQuantiles(r, c, 10);
            Close(e.GetProperty("psiQuantile10").Num(), PopulationStabilityIndex.Compute(deciles.ReferenceShares(), deciles.CurrentShares()), name + " PSI deciles");
            if (e.TryGetProperty("chiSquare", out var chi))
            {
                var values = DriftBinning.DistinctValues(r, c);
                var actual = ChiSquareTest.Test(values.ReferenceCounts, values.CurrentCounts);
                Close(chi.GetProperty("statistic").Num(), actual.Statistic, name + " X²");
                Close(chi.GetProperty("p").Num(), actual.PValue, name + " chi-square p");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Categorical_statistics_match_the_python_reference(string split)
    {
        var (reference, current) = Split(split);
        var expected = Expected.Value.GetProperty(split).GetProperty("categorical");
        foreach (string name in Categorical)
        {
            var e = expected.GetProperty(name);
            var bins = DriftBinning.Categories(reference.Find(name)!.Labels!, current.Find(name)!.Labels!);
            var chi = ChiSquareTest.Test(bins.ReferenceCounts, bins.CurrentCounts);
            Close(e.GetProperty("chiSquare").GetProperty("statistic").Num(), chi.Statistic, name + " X²");
            Close(e.GetProperty("chiSquare").GetProperty("p").Num(), chi.PValue, name + " chi-square p");
            long rn = bins.ReferenceCounts.Sum(), cn = bins.CurrentCounts.Sum();
            var z = ProportionZTest.Test(rn - bins.ReferenceCounts[0], rn, cn - bins.CurrentCounts[0], cn);
            Close(e.GetProperty("zTest").GetProperty("z").Num(), z.Z, name + " z");
            Close(e.GetProperty("zTest").GetProperty("p").Num(), z.PValue, name + " z p");
            Close(e.GetProperty("jensenShannon").Num(), JensenShannonDistance.Distance(bins.ReferenceShares(), bins.CurrentShares()), name + " JS");
            Close(e.GetProperty("psi").Num(), PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares()), name + " PSI");
        }
    }

    [Fact]
    public void Large_reference_selects_distances_and_reports_their_values()
    {
        // afam = no has 2,041 rows (> 1000): Wasserstein for numerical features with > 5 values, JS otherwise.
        var (reference, current) = Split("afamNoToYes");
        var expected = Expected.Value.GetProperty("afamNoToYes");
        var report = Analyze(reference, current);
        foreach (var f in report.Features)
        {
            if (f.Kind == FeatureKind.Numerical)
            {
                var e = expected.GetProperty("numerical").GetProperty(f.Name);
                bool many = e.GetProperty("distinct").GetInt32() > 5;
                Assert.Equal(many ? DriftTest.Wasserstein : DriftTest.JensenShannon, f.Test);
                Close(e.GetProperty(many ? "wassersteinNormalised" : "jensenShannon").Num(), f.Score, f.Name);
                Close(e.GetProperty("psiEvidently").Num(), f.Psi!.Value, f.Name + " PSI");
                Assert.Equal(f.Score >= 0.1, f.Drifted);
            }
            else
            {
                var e = expected.GetProperty("categorical").GetProperty(f.Name);
                Assert.Equal(DriftTest.JensenShannon, f.Test);
                Close(e.GetProperty("jensenShannon").Num(), f.Score, f.Name);
                Close(e.GetProperty("psi").Num(), f.Psi!.Value, f.Name + " PSI");
            }
        }

        Assert.Equal(report.Features.Count(f => f.Drifted), report.DriftedCount);
        Assert.Equal(report.DriftShare >= 0.5, report.DatasetDrift);
    }

    [Fact]
    public void Small_reference_selects_hypothesis_tests_and_reports_their_p_values()
    {
        // afam = yes has 339 rows (≤ 1000): KS for > 5 values, chi-square for 3–5, Z-test for binary.
        var (reference, current) = Split("afamYesToNo");
        var expected = Expected.Value.GetProperty("afamYesToNo");
        var report = Analyze(reference, current);
        foreach (var f in report.Features)
        {
            if (f.Kind == FeatureKind.Numerical)
            {
                var e = expected.GetProperty("numerical").GetProperty(f.Name);
                if (e.GetProperty("distinct").GetInt32() > 5)
                {
                    Assert.Equal(DriftTest.KolmogorovSmirnov, f.Test);
                    Close(e.GetProperty("ks").GetProperty("pExact").Num(), f.Score, f.Name);
                    Assert.True(f.ExactPValue);
                }
                else
                {
                    Assert.Equal(DriftTest.ChiSquare, f.Test);
                    Close(e.GetProperty("chiSquare").GetProperty("p").Num(), f.Score, f.Name);
                }
            }
            else
            {
                Assert.Equal(DriftTest.ZTest, f.Test);
                Close(expected.GetProperty("categorical").GetProperty(f.Name).GetProperty("zTest").GetProperty("p").Num(), f.Score, f.Name);
            }

            Assert.Equal(f.Score < 0.05, f.Drifted);
        }
    }

    private static DriftReport Analyze(ColumnSet reference, ColumnSet current) =>
        new DriftAnalyzer(TimeProvider.System).Analyze(
            ReferenceProfile.Build(reference),
            current,
            new DriftOptions { Features = [.. Numerical, .. Categorical], ComputePsi = true });

    private static (ColumnSet Reference, ColumnSet Current) Split(string split)
    {
        var data = Hmda.Value;
        int rows = data.RowCount;
        var afam = data.Find("afam")!.Labels!;
        Func<int, bool> inReference = split switch
        {
            "afamNoToYes" => r => afam[r] == "no",
            "afamYesToNo" => r => afam[r] == "yes",
            _ => r => r < rows / 2,
        };
        var refRows = Enumerable.Range(0, rows).Where(inReference).ToArray();
        var curRows = Enumerable.Range(0, rows).Where(r => !inReference(r)).ToArray();
        return (Subset(data, refRows), Subset(data, curRows));
    }

    private static ColumnSet Subset(ColumnSet data, int[] rows)
    {
        var set = new ColumnSet();
        foreach (var column in data.Columns)
        {
            if (column.Numbers is { } n)
            {
                set.Add(column.Name, rows.Select(r => n[r]).ToArray());
            }
            else
            {
                set.Add(column.Name, rows.Select(r => column.Labels![r]).ToArray());
            }
        }

        return set;
    }

    private static double[] Sorted(double[] values)
    {
        var copy = values.Where(double.IsFinite).ToArray();
        Array.Sort(copy);
        return copy;
    }

    private static void Close(double expected, double actual, string what)
    {
        if (double.IsInfinity(expected))
        {
            Assert.True(expected == actual, $"{what}: expected {expected}, actual {actual:R}");
            return;
        }

        double tolerance = Math.Max(1e-12, Math.Abs(expected) * 1e-9);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, actual {actual:R}");
    }
}

internal static class FixtureJson
{
    /// <summary>Reads a fixture number; the python script writes infinities as the string "Infinity".</summary>
    public static double Num(this JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetDouble();
}
