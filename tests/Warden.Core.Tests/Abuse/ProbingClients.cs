namespace Warden.Core.Tests.Abuse;

/// <summary>Seeded query streams: a benign client drawing real HMDA rows and three extraction strategies.</summary>
internal static class ProbingClients
{
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

    /// <summary>
    /// Papernot et al. (2017) Jacobian-based augmentation without gradients: start from a few real rows and, each round,
    /// add x + λ·sign(r) (r random, λ = 5 % of the feature range) for every point held so far.
    /// </summary>
    public static IEnumerable<double[]> JacobianAugmentation(int seed, int count, int seeds = 5, double lambda = 0.05)
    {
        var rng = new Random(seed);
        var held = Benign(seed + 1_000_000, seeds).Select(r => (double[])r.Clone()).ToList();
        var emitted = 0;
        foreach (var s in held.ToList())
        {
            if (emitted++ == count)
            {
                yield break;
            }

            yield return s;
        }

        while (true)
        {
            var round = held.Select(x => x.Select((v, j) => v + (rng.Next(2) == 0 ? -1 : 1) * lambda * Scales[j]).ToArray()).ToList();
            foreach (var x in round)
            {
                if (emitted++ == count)
                {
                    yield break;
                }

                yield return x;
            }

            held.AddRange(round);
        }
    }

    /// <summary>Tramèr et al. (2016)-style line search: bisect the segment between two real rows, 8 steps per pair.</summary>
    public static IEnumerable<double[]> LineSearch(int seed, int count)
    {
        var rng = new Random(seed);
        int emitted = 0;
        while (true)
        {
            var a = Rows[rng.Next(Rows.Length)];
            var b = Rows[rng.Next(Rows.Length)];
            foreach (var endpoint in new[] { a, b })
            {
                if (emitted++ == count)
                {
                    yield break;
                }

                yield return endpoint;
            }

            double lo = 0, hi = 1;
            for (int step = 0; step < 8; step++)
            {
                double mid = (lo + hi) / 2;
                if (emitted++ == count)
                {
                    yield break;
                }

                yield return a.Select((v, j) => v + mid * (b[j] - v)).ToArray();
                // The attacker's oracle answer decides the half; a coin stands in for the model here.
                if (rng.Next(2) == 0)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }
        }
    }

    /// <summary>Uniform random points in the 1 %–99 % feature box.</summary>
    public static IEnumerable<double[]> UniformBox(int seed, int count)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            yield return Lower.Select((lo, j) => lo + rng.NextDouble() * (Upper[j] - lo)).ToArray();
        }
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
