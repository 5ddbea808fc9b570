using BenchmarkDotNet.Attributes;
using Warden.Core.Drift;

namespace Warden.Bench.Drift;

/// <summary>Drift of 1,000,000 current rows × 20 numerical features against a 5,000-row reference sample.</summary>
[MemoryDiagnoser]
public class DriftBenchmarks
{
    private ReferenceProfile _profile = null!;
    private ColumnSet _current = null!;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_profile, _current) = Data(Rows, 20, seed: 11);
    }

    [Benchmark]
    public DriftReport Analyze() => new DriftAnalyzer().Analyze(_profile, _current);

    [Benchmark]
    public DriftReport AnalyzeWithPsi() => new DriftAnalyzer().Analyze(_profile, _current, new DriftOptions { ComputePsi = true });

    /// <summary>A reference of 100,000 rows (profiled to 5,000) and a current set whose odd features are shifted.</summary>
    public static (ReferenceProfile Profile, ColumnSet Current) Data(int rows, int features, int seed)
    {
        var random = new Random(seed);
        var reference = new ColumnSet();
        var current = new ColumnSet();
        for (int f = 0; f < features; f++)
        {
            var r = new double[100_000];
            var c = new double[rows];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = Gaussian(random);
            }

            double shift = f % 2 == 1 ? 0.3 : 0;
            for (int i = 0; i < c.Length; i++)
            {
                c[i] = Gaussian(random) + shift;
            }

            reference.Add($"f{f}", r);
            current.Add($"f{f}", c);
        }

        return (ReferenceProfile.Build(reference), current);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
