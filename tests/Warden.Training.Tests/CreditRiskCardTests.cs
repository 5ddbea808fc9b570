using System.Globalization;

namespace Warden.Training.Tests;

public class CreditRiskCardTests
{
    [Fact]
    public void Afam_correlations_match_the_independent_python_computation()
    {
        var rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var expected = File.ReadAllLines(Warden.Tests.RepoFiles.Path("tests/fixtures/training/afam_correlations.csv"))
            .Skip(1)
            .Select(l => l.Split(','))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

        var all = CreditRiskCard.StrongestCorrelates(rows, HmdaDataset.FeatureNames.Count);

        Assert.Equal(expected.Count, all.Count);
        foreach (var (feature, r) in all)
        {
            Assert.Equal(expected[feature], r, 9);
        }

        // Strongest first by |r|: chist 0.221, condomin 0.184, lvrat 0.162, phist 0.162.
        Assert.Equal(["chist", "condomin", "lvrat", "phist"], all.Take(4).Select(p => p.Feature));
    }

    [Fact]
    public void Data_profile_matches_the_independent_python_computation()
    {
        var rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var expected = File.ReadAllLines(Warden.Tests.RepoFiles.Path("tests/fixtures/training/data_profile.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

        var profile = CreditRiskCard.Profile(rows);

        Assert.Equal(2380, profile.Rows);
        Assert.Equal(D(expected.Single(e => e[0] == "overall")[3]), profile.BaseRate!.Value, 6);
        foreach (var column in expected.Where(e => e[0] == "column"))
        {
            var actual = profile.Columns.Single(c => c.Name == column[1]);
            Assert.Equal(int.Parse(column[2], CultureInfo.InvariantCulture), actual.Count);
            Assert.Equal(D(column[3]), actual.Mean, 6);
            Assert.Equal(D(column[4]), actual.StdDev, 6);
            Assert.Equal(D(column[5]), actual.Min, 12);
            Assert.Equal(D(column[6]), actual.Max, 12);
        }

        foreach (var group in expected.Where(e => e[0] == "group"))
        {
            var actual = profile.Groups.Single(g => g.Value == group[1]);
            Assert.Equal("afam", actual.Attribute);
            Assert.Equal(int.Parse(group[2], CultureInfo.InvariantCulture), actual.Count);
            Assert.Equal(D(group[3]), actual.Share, 6);
            Assert.Equal(D(group[4]), actual.BaseRate!.Value, 6);
        }

        // By hand: 339 of 2380 applicants are afam = yes (share 0.142437), 96 of them denied (0.283186).
        Assert.Equal(0.142437, profile.Groups.Single(g => g.Value == "yes").Share, 6);
    }
}
