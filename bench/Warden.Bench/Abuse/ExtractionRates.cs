using System.Diagnostics;
using System.Globalization;
using Warden.Core.Abuse;

namespace Warden.Bench.Abuse;

/// <summary>
/// `abuse-rates [seeds] [queries]`: runs every workload of <see cref="ExtractionWorkloads"/> through a fresh
/// <see cref="ExtractionDetector"/> per seed (the server's defaults, bounds = 1st/99th percentile of the reference half of
/// HMDA) and prints, per workload, how many seeds raised an alert and the queries to the first alert (median, range).
/// For honest workloads the flagged share is the false-positive rate; for attackers it is the detection rate.
/// </summary>
internal static class ExtractionRates
{
    public static int Run(int seeds, int queries, string? csvPath = null)
    {
        var workloads = new ExtractionWorkloads(csvPath ?? RepoFile("samples/data/hmda.csv"));
        var configurations = new (string Name, ExtractionDetectorOptions Options)[]
        {
            ("distances only (no reference)", new ExtractionDetectorOptions { Scales = workloads.Scales, Lower = workloads.Lower, Upper = workloads.Upper }),
            ("distances + reference test", new ExtractionDetectorOptions { Scales = workloads.Scales, Lower = workloads.Lower, Upper = workloads.Upper, Reference = workloads.Reference }),
        };
        foreach (var (configuration, options) in configurations)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{configuration}: {seeds} seeds × {queries} queries per workload; δ = {options.Delta}, minimum distances {options.MinimumDistances}, duplicate tolerance {options.DuplicateTolerance}, reference rows {options.Reference?.Count ?? 0} (quantile {options.ReferenceQuantile}, p₀ {options.AtypicalRate}, α {options.AtypicalAlpha}, window {options.AtypicalWindow})"));
            Console.WriteLine();
            Console.WriteLine("| workload | flagged | rate | queries to first alert: median (min–max) | ms per query |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (name, _, stream) in workloads.All)
            {
                var firsts = new List<int>();
                var clock = Stopwatch.StartNew();
                long observed = 0;
                for (var seed = 0; seed < seeds; seed++)
                {
                    var detector = new ExtractionDetector(options);
                    var n = 0;
                    foreach (var q in stream(seed, queries))
                    {
                        n++;
                        observed++;
                        if (detector.Observe("client", q) is not null)
                        {
                            firsts.Add(n);
                            break;
                        }
                    }
                }

                var when = firsts.Count == 0 ? "—" : string.Create(CultureInfo.InvariantCulture,
                    $"{Median(firsts):0} ({firsts.Min()}–{firsts.Max()})");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {firsts.Count}/{seeds} | {firsts.Count * 100.0 / seeds:0} % | {when} | {clock.Elapsed.TotalMilliseconds / observed:0.000} |"));
            }

            Console.WriteLine();
        }

        return 0;
    }

    private static double Median(List<int> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2.0;
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(relative);
    }
}
