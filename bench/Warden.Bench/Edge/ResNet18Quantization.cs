using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx.Quantization;

namespace Warden.Bench.Edge;

/// <summary>
/// Size, latency and agreement of ResNet18 (the ML.NET DnnImageFeaturizer export) in float32 and int8. Agreement is
/// measured on the 512-d features (cosine similarity to float32) and through a fixed linear head: class centroids of
/// L2-normalised float32 features of the first half of the digits, applied unchanged to every variant on the second half.
/// </summary>
internal static class ResNet18Quantization
{
    private const string Input = "Input247";
    private const string Output = "Pooling395_Output_0";

    public static int Run(int images)
    {
        var modelPath = typeof(ResNet18Quantization).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ResNet18Onnx").Value!;
        var root = FindRoot();
        var fp32 = File.ReadAllBytes(modelPath);
        var data = DigitImages.Load(Path.Combine(root, "samples/data/digits.csv"), images);
        var train = data.Length / 2;
        Console.WriteLine($"ResNet18: {modelPath} ({fp32.Length:N0} bytes); {data.Length} digit images ({train} fit the head, {data.Length - train} evaluate); {Environment.ProcessorCount} cores");

        var variants = new List<(string Name, byte[] Stored, byte[] Loaded)> { ("fp32", fp32, fp32) };
        foreach (var (name, options) in new[]
        {
            ("int8 dynamic per-channel", new QuantizationOptions { Mode = QuantizationMode.Dynamic, Granularity = WeightGranularity.PerChannel }),
            ("int8 dynamic per-tensor", new QuantizationOptions { Mode = QuantizationMode.Dynamic, Granularity = WeightGranularity.PerTensor }),
            ("int8 weight-only per-channel", new QuantizationOptions { Mode = QuantizationMode.WeightOnly, Granularity = WeightGranularity.PerChannel }),
        })
        {
            var started = Stopwatch.GetTimestamp();
            var (bytes, report) = ModelQuantizer.Quantize(fp32, options);
            Console.WriteLine($"{name}: {report.QuantizedCount}/{report.Nodes.Count} nodes, opset {report.OpsetBefore}→{report.OpsetAfter}, quantised in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            variants.Add((name, bytes, bytes));
            if (options.Mode == QuantizationMode.WeightOnly)
            {
                variants.Add((name + ", expanded at load", bytes, WeightDequantizer.Expand(bytes)));
            }
        }

        float[][]? reference = null;
        float[][]? centroids = null;
        int[]? referenceTop1 = null;
        Console.WriteLine();
        Console.WriteLine("| variant | size (bytes) | size vs fp32 | p50 latency 2 threads (ms) | p50 latency 1 thread (ms) | mean cosine vs fp32 | min cosine | top-1 agreement vs fp32 | head accuracy |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var latency = InterleavedLatency(variants.Select(v => v.Loaded).ToArray(), data[0].Image, threads: 2, rounds: 30);
        var latency1 = InterleavedLatency(variants.Select(v => v.Loaded).ToArray(), data[0].Image, threads: 1, rounds: 20);
        for (var v = 0; v < variants.Count; v++)
        {
            var (name, stored, loaded) = variants[v];
            var features = Features(loaded, data);
            reference ??= features;
            centroids ??= Centroids(features[..train], data[..train].Select(d => d.Label).ToArray());
            var top1 = features[train..].Select(f => Classify(centroids, f)).ToArray();
            referenceTop1 ??= top1;
            var cosines = features.Zip(reference, Cosine).ToArray();
            var agreement = top1.Zip(referenceTop1).Count(p => p.First == p.Second) / (double)top1.Length;
            var accuracy = top1.Zip(data[train..]).Count(p => p.First == p.Second.Label) / (double)top1.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {stored.Length:N0} | {100.0 * stored.Length / fp32.Length:F1}% | {latency[v]:F1} | {latency1[v]:F1} | {cosines.Average():F5} | {cosines.Min():F5} | {100 * agreement:F1}% | {100 * accuracy:F1}% |"));
        }

        return 0;
    }

    private static float[][] Features(byte[] model, (float[] Image, int Label)[] data)
    {
        using var session = Session(model, threads: 2);
        return data.Select(d => RunOne(session, d.Image)).ToArray();
    }

    // The machine is shared, so variants are timed round-robin: each round runs every variant once, and load bursts
    // fall on all of them alike. Reported: the median over rounds, after two warm-up rounds.
    private static double[] InterleavedLatency(byte[][] models, float[] image, int threads, int rounds)
    {
        var sessions = models.Select(m => Session(m, threads)).ToArray();
        try
        {
            var times = models.Select(_ => new List<double>()).ToArray();
            for (var r = 0; r < rounds + 2; r++)
            {
                for (var v = 0; v < sessions.Length; v++)
                {
                    var started = Stopwatch.GetTimestamp();
                    RunOne(sessions[v], image);
                    if (r >= 2)
                    {
                        times[v].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }

            return times.Select(Median).ToArray();
        }
        finally
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }
        }
    }

    private static InferenceSession Session(byte[] model, int threads)
    {
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            IntraOpNumThreads = threads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new InferenceSession(model, options);
    }

    private static float[] RunOne(InferenceSession session, float[] image)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, 3, DigitImages.Side, DigitImages.Side]);
        using var options = new RunOptions();
        using var results = session.Run(options, [Input], [input], [Output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[][] Centroids(float[][] features, int[] labels)
    {
        var centroids = Enumerable.Range(0, 10).Select(_ => new float[features[0].Length]).ToArray();
        for (var i = 0; i < features.Length; i++)
        {
            var unit = Normalize(features[i]);
            for (var d = 0; d < unit.Length; d++)
            {
                centroids[labels[i]][d] += unit[d];
            }
        }

        return centroids.Select(Normalize).ToArray();
    }

    private static int Classify(float[][] centroids, float[] feature)
    {
        var unit = Normalize(feature);
        var best = 0;
        var bestScore = float.NegativeInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var score = Dot(centroids[c], unit);
            if (score > bestScore)
            {
                (best, bestScore) = (c, score);
            }
        }

        return best;
    }

    private static float[] Normalize(float[] v)
    {
        var norm = MathF.Sqrt(Dot(v, v));
        return norm == 0 ? v : v.Select(x => x / norm).ToArray();
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Cosine(float[] a, float[] b) => Dot(a, b) / Math.Sqrt((double)Dot(a, a) * Dot(b, b));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Warden.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Warden.slnx not found");
    }
}
