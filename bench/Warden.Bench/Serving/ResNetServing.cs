using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Warden.Training.Transfer;

namespace Warden.Bench.Serving;

/// <summary>
/// ResNet18 (Microsoft.ML.DnnImageFeaturizer.ResNet18, preprocessing joined, batch dimension symbolic) against a running
/// <c>warden serve</c> (bench/load/resnet.sh): <c>latency</c> compares one image in process with ONNX Runtime, over HTTP
/// with binary tensors and over gRPC with raw contents (sequential, interleaved); <c>batching</c> runs concurrent gRPC
/// clients with dynamic batching off and on; <c>sessions</c> compares ONNX Runtime session settings of the deployment.
/// Tuning comes from the environment: RUNS, INTRA_OP, CLIENTS, SECONDS, MAX_BATCH, QUEUE_DELAY_US, BATCH_INTRA_OPS, SESSION_CLIENTS,
/// SESSION_SECONDS, WARMUP_SECONDS; the key from WARDEN_API_KEY.
/// </summary>
internal static class ResNetServing
{
    public const string Input = ResNet18Backbone.ImageInput;
    public static readonly long[] Shape = [1, 3, 224, 224];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: resnet-serving REST_URL GRPC_URL [latency] [batching] [sessions] [transport]");
            return 2;
        }

        var parts = args.Length > 2 ? args[2..] : ["latency", "batching", "sessions"];
        var key = Environment.GetEnvironmentVariable("WARDEN_API_KEY") ?? throw new InvalidOperationException("set WARDEN_API_KEY");
        var onnx = ResNet18Backbone.Load().ToBytes();
        var image = Image();
        using var client = new ResNetClient(new Uri(args[0]), new Uri(args[1]), key, "resnet18");
        await client.DeployAsync(onnx);
        Console.WriteLine($"ResNet18 ({onnx.Length:N0} bytes), one 3x224x224 FP32 image; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        foreach (var part in parts)
        {
            switch (part)
            {
                case "latency":
                    await LatencyAsync(client, onnx, image);
                    break;
                case "batching":
                    await BatchingAsync(client, image);
                    break;
                case "sessions":
                    await SessionsAsync(client, image);
                    break;
                case "transport":
                    await TransportOverhead.RunAsync(client, image, Env("RUNS", 200));
                    break;
                default:
                    Console.Error.WriteLine($"unknown part '{part}': latency, batching, sessions or transport");
                    return 2;
            }
        }

        Console.WriteLine($"load average at end {LoadAverage()}");
        return 0;
    }

    // Sequential single-image requests, the paths interleaved so that load bursts on a shared machine fall on all alike.
    // COMPARE="REST_URL GRPC_URL" adds a second server's HTTP and gRPC paths to the rotation (an A/B of two builds).
    private static async Task LatencyAsync(ResNetClient client, byte[] onnx, float[] image)
    {
        var runs = Env("RUNS", 200);
        var intraOp = Env("INTRA_OP", 1);
        var serving = new { session = new { intraOpThreads = intraOp, interOpThreads = 1 } };
        await client.PutServingAsync(serving, image);
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = intraOp,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(onnx, options);
        var header = ResNetClient.BinaryHeader(Input, ResNet18Backbone.FeatureOutput, Shape);
        var servers = new List<(string Label, ResNetClient Client)> { ("", client) };
        if (Environment.GetEnvironmentVariable("COMPARE") is { Length: > 0 } compare)
        {
            var urls = compare.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var other = new ResNetClient(new Uri(urls[0]), new Uri(urls[1]), client.Key, "resnet18");
            await other.DeployAsync(onnx);
            await other.PutServingAsync(serving, image);
            servers.Add((" (B)", other));
        }

        var paths = new List<(string Name, Func<Task<float[]>> Run, ResNetClient? Server, int Transport)>
        {
            ("in-process ONNX Runtime", () => Task.FromResult(InProcess(session, image)), null, -1),
        };
        foreach (var (label, server) in servers)
        {
            paths.Add(("HTTP binary tensors" + label, () => server.HttpBinaryAsync(image, header), server, 0));
            paths.Add(("gRPC raw contents" + label, () => server.GrpcAsync(image), server, 1));
        }

        var reference = InProcess(session, image);
        var times = paths.Select(_ => new List<double>()).ToArray();

        // Where a server path's time goes, read between requests (not timed): ASP.NET Core's request duration (body read,
        // codec, response write), the inference path on the server (interceptors, binding, run, record), the graph run
        // alone and the tensor conversions; the rest of the round trip is the client and the loopback network.
        var breakdown = new double[paths.Count, 4];
        var first = new ResNetClient.ServerTimes?[paths.Count];
        await WarmUpAsync(paths.Select(p => p.Run).ToList());
        for (var round = -5; round < runs; round++)
        {
            if (round == 0)
            {
                // /metrics is cached for a moment (the exporter's scrape cache): request durations are read as totals.
                await Task.Delay(1000);
                for (var p = 1; p < paths.Count; p++)
                {
                    first[p] = await paths[p].Server!.ServerTimesAsync();
                }
            }

            for (var p = 0; p < paths.Count; p++)
            {
                var before = paths[p].Server is { } server ? await server.ServerTimesAsync(hosting: false) : null;
                var started = Stopwatch.GetTimestamp();
                var features = await paths[p].Run();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (round < 0)
                {
                    Agree(reference, features, paths[p].Name);
                }
                else
                {
                    times[p].Add(elapsed);
                    if (before is not null)
                    {
                        var after = await paths[p].Server!.ServerTimesAsync(hosting: false);
                        breakdown[p, 1] += after.Success - before.Success;
                        breakdown[p, 2] += after.Infer - before.Infer;
                        breakdown[p, 3] += after.Convert - before.Convert;
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"## batch 1, {runs} sequential requests per path, interleaved; intra-op threads {intraOp} in process and in the deployment");
        Console.WriteLine("| path | median (ms) | p99 (ms) | median overhead vs in-process | p99 overhead |");
        Console.WriteLine("|---|---|---|---|---|");
        var baseMedian = Percentile(times[0], 0.5);
        var baseP99 = Percentile(times[0], 0.99);
        for (var p = 0; p < paths.Count; p++)
        {
            var median = Percentile(times[p], 0.5);
            var p99 = Percentile(times[p], 0.99);
            Console.WriteLine(Invariant($"| {paths[p].Name} | {median:F2} | {p99:F2} | {(p == 0 ? "—" : $"{100 * (median - baseMedian) / baseMedian:+0.0;-0.0}%")} | {(p == 0 ? "—" : $"{100 * (p99 - baseP99) / baseP99:+0.0;-0.0}%")} |"));
        }

        await Task.Delay(1000);
        for (var p = 1; p < paths.Count; p++)
        {
            var last = await paths[p].Server!.ServerTimesAsync();
            breakdown[p, 0] = last.Hosting[paths[p].Transport] - first[p]!.Hosting[paths[p].Transport];
        }

        Console.WriteLine();
        Console.WriteLine("| mean ms per request | round trip | server request (ASP.NET Core) | inference path | graph run | tensor conversions | client + network |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(Invariant($"| {paths[0].Name} | {times[0].Average():F2} | — | — | {times[0].Average():F2} | — | — |"));
        for (var p = 1; p < paths.Count; p++)
        {
            var n = times[p].Count * 1e6;
            var mean = times[p].Average();
            Console.WriteLine(Invariant(
                $"| {paths[p].Name} | {mean:F2} | {breakdown[p, 0] / n:F2} | {breakdown[p, 1] / n:F2} | {breakdown[p, 2] / n:F2} | {breakdown[p, 3] / n:F2} | {mean - (breakdown[p, 0] / n):F2} |"));
        }

        foreach (var (_, other) in servers.Skip(1))
        {
            other.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="paths"/> in turn for WARMUP_SECONDS (default 20) before anything is measured. A server that has
    /// just started runs its request path as unoptimised tier-0 code and recompiles it in the background for the first
    /// thousands of calls (the runtime's tiered compilation with dynamic PGO); at one 60 ms image per path that takes
    /// tens of seconds, and a few warm-up rounds would count the compiler's work as serving overhead.
    /// </summary>
    public static async Task WarmUpAsync(IReadOnlyList<Func<Task<float[]>>> paths)
    {
        var until = Stopwatch.GetTimestamp() + Env("WARMUP_SECONDS", 20) * Stopwatch.Frequency;
        do
        {
            foreach (var path in paths)
            {
                await path();
            }
        }
        while (Stopwatch.GetTimestamp() < until);
    }

    // Off and on at each intra-op setting: the batcher runs one batch at a time, so with one intra-op thread a batch uses
    // one core while unbatched requests run side by side on every core.
    private static async Task BatchingAsync(ResNetClient client, float[] image)
    {
        var clients = Env("CLIENTS", 16);
        var seconds = Env("SECONDS", 20);
        var maxBatch = Env("MAX_BATCH", 16);
        var delay = Env("QUEUE_DELAY_US", 2000);
        var intraOps = (Environment.GetEnvironmentVariable("BATCH_INTRA_OPS") ?? "1,2").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture));
        Console.WriteLine();
        Console.WriteLine($"## {clients} concurrent gRPC clients for {seconds} s each (after a 3 s warm-up); batching: maxBatchSize {maxBatch}, maxQueueDelayMicroseconds {delay}");
        Console.WriteLine("| intra-op threads | dynamic batching | req/s | p50 (ms) | p99 (ms) | mean batch size (/metrics) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var gains = new List<string>();
        foreach (var intraOp in intraOps)
        {
            var session = new { intraOpThreads = intraOp, interOpThreads = 1 };
            await client.PutServingAsync(new { session }, image);
            var off = await ConcurrentAsync(client, image, clients, seconds);
            Console.WriteLine(Invariant($"| {intraOp} | off | {off.Throughput:F1} | {off.P50:F1} | {off.P99:F1} | — |"));
            await client.PutServingAsync(new { session, dynamicBatching = new { maxBatchSize = maxBatch, maxQueueDelayMicroseconds = delay } }, image);
            var before = (Sum: 0.0, Count: 0.0);
            var on = await ConcurrentAsync(client, image, clients, seconds, async () => before = await client.BatchSizeTotalsAsync());
            var after = await client.BatchSizeTotalsAsync();
            var count = after.Count - before.Count;
            var mean = count > 0 ? Invariant($"{(after.Sum - before.Sum) / count:F2} ({count:F0} batches)") : "no batches recorded";
            Console.WriteLine(Invariant($"| {intraOp} | on | {on.Throughput:F1} | {on.P50:F1} | {on.P99:F1} | {mean} |"));
            gains.Add(Invariant($"intra-op {intraOp}: {on.Throughput / off.Throughput:F2}x req/s, p99 {on.P99:F1} ms vs {off.P99:F1} ms"));
        }

        Console.WriteLine("batching gain (on vs off): " + string.Join("; ", gains));
        await client.PutServingAsync(new { session = new { intraOpThreads = Env("INTRA_OP", 1), interOpThreads = 1 } }, image);
    }

    private static async Task SessionsAsync(ResNetClient client, float[] image)
    {
        var runs = Math.Max(20, Env("RUNS", 200) / 2);
        var clients = Env("SESSION_CLIENTS", 4);
        var seconds = Env("SESSION_SECONDS", 10);
        Console.WriteLine();
        Console.WriteLine($"## session settings: {runs} sequential gRPC requests, then {clients} concurrent gRPC clients for {seconds} s");
        Console.WriteLine("| intra-op threads | sessions | sequential median (ms) | sequential p99 (ms) | concurrent req/s | concurrent p99 (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (intraOp, sessions) in new[] { (1, 1), (2, 1), (1, 2), (2, 2) })
        {
            await client.PutServingAsync(new { session = new { intraOpThreads = intraOp, interOpThreads = 1, sessions } }, image);
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await client.GrpcAsync(image);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var load = await ConcurrentAsync(client, image, clients, seconds);
            Console.WriteLine(Invariant($"| {intraOp} | {sessions} | {Percentile(times, 0.5):F2} | {Percentile(times, 0.99):F2} | {load.Throughput:F1} | {load.P99:F1} |"));
        }

        await client.PutServingAsync(new { session = new { intraOpThreads = 1, interOpThreads = 1 } }, image);
    }

    private static async Task<(double Throughput, double P50, double P99)> ConcurrentAsync(
        ResNetClient client, float[] image, int clients, int seconds, Func<Task>? afterWarmUp = null)
    {
        async Task<List<double>> Loop(long until)
        {
            var times = new List<double>();
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                await client.GrpcAsync(image);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return times;
        }

        var warmUntil = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => Loop(warmUntil))));
        if (afterWarmUp is not null)
        {
            await afterWarmUp();
        }

        var started = Stopwatch.GetTimestamp();
        var until = started + seconds * Stopwatch.Frequency;
        var all = (await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => Loop(until))))).SelectMany(t => t).ToList();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (all.Count / elapsed, Percentile(all, 0.5), Percentile(all, 0.99));
    }

    private static float[] InProcess(InferenceSession session, float[] image)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(image, Shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [Input], [input], [ResNet18Backbone.FeatureOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static void Agree(float[] expected, float[] actual, string path)
    {
        var worst = expected.Length == actual.Length ? expected.Zip(actual, (a, b) => Math.Abs(a - b) / Math.Max(1f, Math.Abs(a))).Max() : float.PositiveInfinity;
        if (worst > 1e-3f)
        {
            throw new InvalidOperationException($"{path}: features differ from the in-process run (worst relative difference {worst})");
        }
    }

    // A fixed pseudo-random RGB image (0–255), the same for every path and every run.
    private static float[] Image()
    {
        var random = new Random(13);
        return Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.Next(256)).ToArray();
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
