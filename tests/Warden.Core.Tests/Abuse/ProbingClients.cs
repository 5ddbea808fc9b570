namespace Warden.Core.Tests.Abuse;

/// <summary>
/// Seeded query streams over all of HMDA (the feature-sweep tests), and the extraction workloads of the rate benchmark
/// (<c>bench/Warden.Bench/Abuse/ExtractionWorkloads.cs</c>, compiled into this project too), which keep half of HMDA
/// as the detector's reference.
/// </summary>
internal static class ProbingClients
{
    public static readonly Warden.Bench.Abuse.ExtractionWorkloads Workloads = new(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));

    public static readonly double[][] Rows = HmdaRows.FeatureMatrix();

    /// <summary>1st and 99th percentile of each feature: the clipping box and (as its width) the scale.</summary>
    public static readonly double[] Lower = Percentile(0.01);

    public static readonly double[] Upper = Percentile(0.99);

    public static readonly double[] Scales = Lower.Zip(Upper, (lo, hi) => hi - lo).ToArray();

    /// <summary>A benign client: distinct real applications, drawn without replacement.</summary>
    public static IEnumerable<double[]> Benign(int seed, int count)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, Rows.Length).ToArray();
        rng.Shuffle(order);
        return order.Take(count).Select(i => Rows[i]);
    }

    /// <summary>Queries until the first alert (1-based), or null if none in the stream.</summary>
    public static int? FirstAlert(Func<string, double[], object?> observe, IEnumerable<double[]> queries)
    {
        int n = 0;
        foreach (var q in queries)
        {
            n++;
            if (observe("client", q) is not null)
            {
                return n;
            }
        }

        return null;
    }

    private static double[] Percentile(double p)
    {
        int d = HmdaRows.NumericFeatures.Length;
        var result = new double[d];
        for (int j = 0; j < d; j++)
        {
            var column = Rows.Select(r => r[j]).Order().ToArray();
            result[j] = column[(int)(p * (column.Length - 1))];
        }

        return result;
    }
}
