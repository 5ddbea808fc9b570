using BenchmarkDotNet.Attributes;
using Warden.Core.Fairness;

namespace Warden.Bench.Fairness;

/// <summary>Full fairness report on synthetic data: 1,000,000 rows, two sensitive features (4 × 3 groups plus the intersection), scores.</summary>
[MemoryDiagnoser]
public class FairnessReportBenchmarks
{
    private static readonly string[] Regions = ["north", "south", "east", "west"];
    private static readonly string[] Ages = ["young", "middle", "old"];
    private byte[] labels = [];
    private double[] scores = [];
    private string[] region = [];
    private string[] age = [];
    private FairnessDataset data = null!;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (labels, scores, region, age) = Synthetic(Rows, seed: 1);
        data = Build();
    }

    /// <summary>Seeded synthetic rows whose score distribution depends on the groups, so disparities are non-trivial.</summary>
    public static (byte[] Labels, double[] Scores, string[] Region, string[] Age) Synthetic(int rows, int seed)
    {
        var random = new Random(seed);
        var y = new byte[rows];
        var s = new double[rows];
        var r = new string[rows];
        var a = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            var ri = random.Next(Regions.Length);
            var ai = random.Next(Ages.Length);
            r[i] = Regions[ri];
            a[i] = Ages[ai];
            s[i] = Math.Clamp((random.NextDouble() * 0.8) + (0.05 * ri) - (0.03 * ai), 0, 1);
            y[i] = random.NextDouble() < s[i] ? (byte)1 : (byte)0;
        }

        return (y, s, r, a);
    }

    [Benchmark]
    public FairnessDataset EncodeDataset() => Build();

    [Benchmark]
    public FairnessReport ReportWithoutBootstrap() => FairnessAnalyzer.Analyze(data, Options(0));

    [Benchmark]
    public FairnessReport ReportWith100Bootstraps() => FairnessAnalyzer.Analyze(data, Options(100));

    [Benchmark]
    public string ReportToJson() => FairnessReportJson.Serialize(FairnessAnalyzer.Analyze(data, Options(0)));

    private static FairnessOptions Options(int bootstrap) => new()
    {
        BootstrapResamples = bootstrap,
        Privileged = new Dictionary<string, string> { ["region"] = "north", ["age"] = "middle" },
    };

    private FairnessDataset Build() => FairnessDataset.FromScores(labels, scores, 0.5, [new("region", region), new("age", age)]);
}
