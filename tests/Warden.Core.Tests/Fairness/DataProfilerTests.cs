using Warden.Core.Data;
using System.Text.Json;
using Warden.Core.Fairness;
using Warden.Tests;

namespace Warden.Core.Tests.Fairness;

public class DataProfilerTests
{
    private static CsvTable Tiny() => CsvTable.FromColumns(new Dictionary<string, string[]>
    {
        ["sex"] = ["F", "F", "M", "M", "M", "M"],
        ["income"] = ["10", "NA", "", "30", "40", "50"],
        ["label"] = ["yes", "no", "yes", "yes", "?", "no"],
    });

    [Fact]
    public void Counts_shares_base_rates_and_missing_rates_per_group()
    {
        var p = DataProfiler.Profile(Tiny(), new DataProfileOptions { Sensitive = ["sex"], Label = "label", PositiveLabel = "yes", MinRows = 1 });
        var f = p.Features[0].Groups.Single(g => g.Key == "sex=F");
        var m = p.Features[0].Groups.Single(g => g.Key == "sex=M");
        Assert.Equal(2, f.Count);
        Assert.Equal(2.0 / 6, f.Share, 12);
        Assert.Equal(0.5, f.BaseRate);                 // yes, no
        Assert.Equal(2.0 / 3, m.BaseRate!.Value, 12);  // yes, yes, no ("?" is missing)
        Assert.Equal(0.5, f.MissingRates["income"]);   // "NA"
        Assert.Equal(0.25, m.MissingRates["income"]);  // ""
        Assert.Equal(0.25, m.MissingRates["label"]);   // "?"
        Assert.Equal(2.0 / 6, p.MissingRates["income"], 12);
        Assert.Equal(3.0 / 5, p.BaseRate!.Value, 12);
    }

    [Fact]
    public void Groups_below_min_rows_or_reference_share_are_flagged()
    {
        var options = new DataProfileOptions
        {
            Sensitive = ["sex"],
            MinRows = 3,
            MinShareRatio = 0.8,
            ReferenceShares = new Dictionary<string, IReadOnlyDictionary<string, double>>
            {
                ["sex"] = new Dictionary<string, double> { ["F"] = 0.5, ["M"] = 0.5, ["X"] = 0.01 },
            },
        };
        var groups = DataProfiler.Profile(Tiny(), options).Features[0].Groups;
        var f = groups.Single(g => g.Key == "sex=F");
        Assert.True(f.UnderRepresented);
        Assert.Equal((2.0 / 6) / 0.5, f.ShareRatio!.Value, 12); // 0.667 < 0.8
        Assert.Equal(2, f.Reasons.Count);                      // 2 rows < 3, and the share
        Assert.False(groups.Single(g => g.Key == "sex=M").UnderRepresented); // 4/6 / 0.5 = 1.33
        var x = groups.Single(g => g.Key == "sex=X");
        Assert.Equal(0, x.Count);
        Assert.True(x.UnderRepresented);
    }

    [Fact]
    public void Hmda_base_rates_match_the_python_fixture()
    {
        var table = CsvTable.Read(RepoFiles.Path("samples/data/hmda.csv"));
        var p = DataProfiler.Profile(table, new DataProfileOptions { Sensitive = ["afam", "single"], Label = "deny", PositiveLabel = "no" });
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("tests/fixtures/fairness/expected.json")));
        foreach (var section in doc.RootElement.GetProperty("hmda").GetProperty("sections").EnumerateArray())
        {
            var profile = p.Features.Single(f => f.Key == section.GetProperty("key").GetString());
            foreach (var g in section.GetProperty("groups").EnumerateArray())
            {
                var group = profile.Groups.Single(x => x.Key == g.GetProperty("key").GetString());
                Assert.Equal(g.GetProperty("count").GetInt64(), group.Count);
                Assert.Equal(g.GetProperty("rates").GetProperty("baseRate").GetDouble(), group.BaseRate!.Value, 12);
            }
        }

        Assert.Empty(p.UnderRepresented);
        Assert.All(p.MissingRates.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Profile_renders_json_and_markdown()
    {
        var p = DataProfiler.Profile(Tiny(), new DataProfileOptions { Sensitive = ["sex"], MinRows = 3 });
        using var doc = JsonDocument.Parse(p.ToJson());
        Assert.Equal("1.0", doc.RootElement.GetProperty("schemaVersion").GetString());
        Assert.Equal(["sex=F"], doc.RootElement.GetProperty("underRepresented").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("| sex=F | 2 |", p.ToMarkdown(), StringComparison.Ordinal);
    }
}
