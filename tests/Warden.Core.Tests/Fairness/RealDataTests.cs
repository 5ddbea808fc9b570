using Warden.Core.Data;
using System.Text.Json;
using Warden.Core.Fairness;
using Warden.Tests;

namespace Warden.Core.Tests.Fairness;

/// <summary>Compares the C# analysis with tests/fixtures/fairness/expected.json (independent python computation).</summary>
public class RealDataTests
{
    private const double Tol = 1e-10;
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoFiles.Path("tests/fixtures/fairness/expected.json"))));

    public static TheoryData<string> Cases => new() { "hmda", "hmdaWeighted", "arrests" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Group_metrics_and_disparities_match_independent_python_computation(string name)
    {
        var expected = Expected.Value.RootElement.GetProperty(name);
        var (data, options) = Load(name, expected);
        var report = FairnessAnalyzer.Analyze(data, options);

        Assert.Equal(expected.GetProperty("rows").GetInt32(), report.Dataset.Rows);
        Assert.Equal(expected.GetProperty("theilIndex").GetDouble(), report.Inequality[0].Value!.Value, Tol);
        Assert.Equal(expected.GetProperty("generalizedEntropyIndexAlpha2").GetDouble(), report.Inequality[1].Value!.Value, Tol);
        CompareRates(expected.GetProperty("overall"), report.Overall);
        var sections = expected.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(sections.Count, report.Sections.Count);
        foreach (var es in sections)
        {
            var s = report.Section(es.GetProperty("key").GetString()!)!;
            Assert.NotNull(s);
            Assert.Equal(es.GetProperty("privilegedGroup").GetString(), s.PrivilegedGroup);
            var groups = es.GetProperty("groups").EnumerateArray().ToList();
            Assert.Equal(groups.Select(g => g.GetProperty("key").GetString()), s.Groups.Select(g => g.Key));
            foreach (var (eg, g) in groups.Zip(s.Groups))
            {
                Assert.Equal(eg.GetProperty("count").GetInt64(), g.Count);
                Assert.Equal(eg.GetProperty("weight").GetDouble(), g.Weight, Tol);
                Assert.Equal(eg.GetProperty("tooSmall").GetBoolean(), g.TooSmall);
                var c = eg.GetProperty("confusion");
                Assert.Equal(new ConfusionCounts(c.GetProperty("tn").GetDouble(), c.GetProperty("fp").GetDouble(), c.GetProperty("fn").GetDouble(), c.GetProperty("tp").GetDouble()), g.Confusion);
                CompareRates(eg.GetProperty("rates"), g);
                if (eg.TryGetProperty("calibration", out var cal))
                {
                    foreach (var (eb, b) in cal.EnumerateArray().Zip(g.Calibration!))
                    {
                        Assert.Equal(eb.GetProperty("count").GetInt64(), b.Count);
                        AssertNullable(eb.GetProperty("meanScore"), b.MeanScore);
                        AssertNullable(eb.GetProperty("observedRate"), b.ObservedRate);
                    }
                }
            }

            var disparities = es.GetProperty("disparities").EnumerateObject().ToList();
            Assert.Equal(disparities.Select(d => d.Name).Order(StringComparer.Ordinal), s.Disparities.Select(d => d.Name).Order(StringComparer.Ordinal));
            foreach (var d in disparities)
            {
                AssertNullable(d.Value, s.Find(d.Name)!.Value, d.Name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reweighing_factors_match_independent_python_computation(string name)
    {
        var expected = Expected.Value.RootElement.GetProperty(name);
        var (data, _) = Load(name, expected);
        var factors = Reweighing.Fit(data).Factors;
        foreach (var e in expected.GetProperty("reweighing").EnumerateArray())
        {
            var f = factors.Single(x => x.Group == e.GetProperty("group").GetString() && x.Label == e.GetProperty("label").GetInt32());
            Assert.Equal(e.GetProperty("factor").GetDouble(), f.Factor!.Value, Tol);
        }
    }

    [Fact]
    public void Hmda_prediction_column_follows_the_documented_rule()
    {
        // Rule: deny predicted when pirat > 0.4 or chist >= 5 (computed here from the raw data, independently of the fixture script).
        var raw = CsvTable.Read(RepoFiles.Path("samples/data/hmda.csv"));
        var fixture = CsvTable.Read(RepoFiles.Path("tests/fixtures/fairness/hmda_predicted.csv"), ["pred_deny"]);
        var pirat = raw.Column("pirat");
        var chist = raw.Column("chist");
        var predicted = fixture.Column("pred_deny");
        for (var i = 0; i < raw.RowCount; i++)
        {
            var deny = double.Parse(pirat[i], System.Globalization.CultureInfo.InvariantCulture) > 0.4 || int.Parse(chist[i], System.Globalization.CultureInfo.InvariantCulture) >= 5;
            Assert.Equal(deny ? "yes" : "no", predicted[i]);
        }
    }

    private static (FairnessDataset Data, FairnessOptions Options) Load(string name, JsonElement expected)
    {
        var data = name switch
        {
            "hmda" => SampleData.Hmda(),
            "hmdaWeighted" => SampleData.Hmda(weighted: true),
            _ => SampleData.Arrests(),
        };
        var privileged = expected.GetProperty("privileged").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var options = new FairnessOptions
        {
            MinGroupSize = expected.GetProperty("minGroupSize").GetInt32(),
            BootstrapResamples = 0,
            Privileged = privileged,
        };
        return (data, options);
    }

    private static void CompareRates(JsonElement rates, GroupMetrics g)
    {
        foreach (var r in rates.EnumerateObject())
        {
            var metric = Enum.Parse<FairnessMetric>(r.Name, ignoreCase: true);
            AssertNullable(r.Value, g.Get(metric).Value, r.Name);
        }
    }

    private static void AssertNullable(JsonElement expected, double? actual, string what = "")
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what}: expected undefined, got {actual}");
        }
        else
        {
            Assert.True(actual.HasValue, $"{what}: expected {expected.GetDouble()}, got undefined");
            Assert.Equal(expected.GetDouble(), actual!.Value, Tol);
        }
    }
}
