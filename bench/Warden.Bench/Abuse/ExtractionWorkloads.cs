using System.Globalization;

namespace Warden.Bench.Abuse;

/// <summary>
/// Seeded query streams over the numeric HMDA features: honest clients and extraction attackers. Real rows come from the
/// half of <c>samples/data/hmda.csv</c> that is not the detector's reference, so honest traffic is new applicants.
/// </summary>
internal sealed class ExtractionWorkloads
{
    public static readonly string[] Features = ["pirat", "hirat", "lvrat", "chist", "mhist", "unemp"];

    public ExtractionWorkloads(string csvPath)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        var indexes = Features.Select(f => Array.IndexOf(header, f)).ToArray();
        var rows = lines.Skip(1)
            .Select(l => l.Split(','))
            .Select(cells => indexes.Select(j => double.Parse(cells[j].Trim('"'), CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        // Even rows: the reference (bounds); odd rows: the applicants honest clients send.
        Reference = rows.Where((_, i) => i % 2 == 0).ToArray();
        Applicants = rows.Where((_, i) => i % 2 == 1).ToArray();
        Lower = Percentile(Reference, 0.01);
        Upper = Percentile(Reference, 0.99);
        Scales = Lower.Zip(Upper, (lo, hi) => hi - lo).ToArray();
    }

    public double[][] Reference { get; }

    public double[][] Applicants { get; }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public double[] Scales { get; }

    /// <summary>Every workload by name: honest ones first.</summary>
    public IReadOnlyList<(string Name, bool Attacker, Func<int, int, IEnumerable<double[]>> Stream)> All =>
    [
        ("benign: distinct applicants", false, Benign),
        ("benign: replays and retries", false, Replaying),
        ("attack: perturbation", true, Perturbation),
        ("attack: Jacobian augmentation", true, (s, n) => Jacobian(s, n)),
        ("attack: line search", true, LineSearch),
        ("attack: uniform random", true, Uniform),
        ("attack: interleaved 3 real : 1 Jacobian", true, (s, n) => Interleaved(s, n, 3)),
        ("attack: interleaved 9 real : 1 Jacobian", true, (s, n) => Interleaved(s, n, 9)),
        ("attack: interleaved 3 : 1, discrete values rounded", true, (s, n) => Interleaved(s, n, 3, round: true)),
    ];

    /// <summary>Distinct real applicants in random order.</summary>
    public IEnumerable<double[]> Benign(int seed, int count)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, Applicants.Length).ToArray();
        rng.Shuffle(order);
        return order.Take(count).Select(i => Applicants[i]);
    }

    /// <summary>
    /// An honest client that works a queue of 150 applications: it draws them with replacement (the same applicant scored
    /// again when a case is reopened), retries 20 % of requests at once (timeouts), and sends 10 % of requests as a
    /// correction of an earlier application (one feature replaced by another applicant's value).
    /// </summary>
    public IEnumerable<double[]> Replaying(int seed, int count)
    {
        var rng = new Random(seed);
        var queue = Benign(seed + 7_000_000, 150).ToArray();
        double[]? last = null;
        for (var i = 0; i < count; i++)
        {
            var roll = rng.NextDouble();
            double[] next;
            if (last is not null && roll < 0.2)
            {
                next = last;
            }
            else if (roll < 0.3)
            {
                next = (double[])queue[rng.Next(queue.Length)].Clone();
                var j = rng.Next(next.Length);
                next[j] = Applicants[rng.Next(Applicants.Length)][j];
            }
            else
            {
                next = queue[rng.Next(queue.Length)];
            }

            last = next;
            yield return next;
        }
    }

    /// <summary>Random perturbations: Gaussian noise (σ = 3 % of each feature's range) around 10 real rows.</summary>
    public IEnumerable<double[]> Perturbation(int seed, int count)
    {
        var rng = new Random(seed);
        var seeds = Benign(seed + 1_000_000, 10).ToArray();
        for (var i = 0; i < count; i++)
        {
            var x = seeds[i % seeds.Length];
            yield return x.Select((v, j) => v + (0.03 * Scales[j] * Gaussian(rng))).ToArray();
        }
    }

    /// <summary>
    /// Papernot et al. (2017) Jacobian-based augmentation without gradients: a few real rows, then each round
    /// x + λ·sign(r) (r random, λ = 5 % of the feature range) for every point held so far.
    /// </summary>
    public IEnumerable<double[]> Jacobian(int seed, int count, int start = 5, double lambda = 0.05)
    {
        var rng = new Random(seed);
        var held = Benign(seed + 1_000_000, start).Select(r => (double[])r.Clone()).ToList();
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
            var round = held.Select(x => x.Select((v, j) => v + ((rng.Next(2) == 0 ? -1 : 1) * lambda * Scales[j])).ToArray()).ToList();
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

    /// <summary>Tramèr et al. (2016)-style line search: two real rows, then 8 bisection points between them.</summary>
    public IEnumerable<double[]> LineSearch(int seed, int count)
    {
        var rng = new Random(seed);
        var emitted = 0;
        while (true)
        {
            var a = Applicants[rng.Next(Applicants.Length)];
            var b = Applicants[rng.Next(Applicants.Length)];
            foreach (var endpoint in new[] { a, b })
            {
                if (emitted++ == count)
                {
                    yield break;
                }

                yield return endpoint;
            }

            double lo = 0, hi = 1;
            for (var step = 0; step < 8; step++)
            {
                var mid = (lo + hi) / 2;
                if (emitted++ == count)
                {
                    yield break;
                }

                yield return a.Select((v, j) => v + (mid * (b[j] - v))).ToArray();
                // The oracle's answer decides the half; a coin stands in for the model.
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

    /// <summary>Uniform random points in the 1 %–99 % box of the reference.</summary>
    public IEnumerable<double[]> Uniform(int seed, int count)
    {
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            yield return Lower.Select((lo, j) => lo + (rng.NextDouble() * (Upper[j] - lo))).ToArray();
        }
    }

    /// <summary>
    /// Hides a Jacobian-augmentation prober behind real applicants: <paramref name="real"/> distinct real rows per synthetic
    /// probe. With <paramref name="round"/> the prober also rounds the discrete features (credit and mortgage history) to
    /// the nearest whole value, as an attacker who knows the input form would.
    /// </summary>
    public IEnumerable<double[]> Interleaved(int seed, int count, int real, bool round = false)
    {
        using var probes = Jacobian(seed, int.MaxValue).GetEnumerator();
        using var rows = Benign(seed + 3_000_000, Applicants.Length).GetEnumerator();
        for (var i = 0; i < count; i++)
        {
            if (i % (real + 1) == real && probes.MoveNext())
            {
                yield return round ? probes.Current.Select((v, j) => Features[j] is "chist" or "mhist" ? Math.Round(v) : v).ToArray() : probes.Current;
            }
            else if (rows.MoveNext())
            {
                yield return rows.Current;
            }
        }
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double[] Percentile(double[][] rows, double p)
    {
        var result = new double[rows[0].Length];
        for (var j = 0; j < result.Length; j++)
        {
            var column = rows.Select(r => r[j]).Order().ToArray();
            result[j] = column[(int)(p * (column.Length - 1))];
        }

        return result;
    }
}
