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
}
