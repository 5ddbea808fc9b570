using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Warden.Core.Onnx.Proto;
using Warden.Training.Transfer;

namespace Warden.Bench.Serving;

/// <summary>
/// The serving overhead of a 3x224x224 FP32 image without ResNet18's 20 ms of arithmetic: a stand-in model with the same
/// input and output names whose graph is one GlobalAveragePool (microseconds), served over HTTP binary tensors and gRPC raw
/// contents, sequentially, the paths interleaved. Everything measured is transport, codec, inference path and client;
/// with COMPARE="REST_URL GRPC_URL" a second server's paths join the rotation (an A/B of two builds within one run).
/// </summary>
internal static class TransportOverhead
{
    public const string Model = "image-passthrough";

    public static async Task RunAsync(ResNetClient primary, float[] image, int runs)
    {
        var servers = new List<(string Label, ResNetClient Client)> { ("", primary.For(Model)) };
        if (Environment.GetEnvironmentVariable("COMPARE") is { Length: > 0 } compare)
        {
            var urls = compare.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            servers.Add((" (B)", new ResNetClient(new Uri(urls[0]), new Uri(urls[1]), primary.Key, Model)));
        }

        var header = ResNetClient.BinaryHeader(ResNetServing.Input, ResNet18Backbone.FeatureOutput, ResNetServing.Shape);
        var paths = new List<(string Name, Func<Task<float[]>> Run)>();
        foreach (var (label, client) in servers)
        {
            await client.DeployAsync(PassthroughModel());
            paths.Add(("HTTP binary tensors" + label, () => client.HttpBinaryAsync(image, header)));
            paths.Add(("gRPC raw contents" + label, () => client.GrpcAsync(image)));
        }

        var times = paths.Select(_ => new List<double>()).ToArray();
        await ResNetServing.WarmUpAsync(paths.Select(p => p.Run).ToList());
        for (var round = -20; round < runs; round++)
        {
            for (var p = 0; p < paths.Count; p++)
            {
                var started = Stopwatch.GetTimestamp();
                var features = await paths[p].Run();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (features.Length != 3)
                {
                    throw new InvalidOperationException($"{paths[p].Name}: expected 3 channel means, got {features.Length} values");
                }

                if (round >= 0)
                {
                    times[p].Add(elapsed);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"## transport overhead: one 3x224x224 FP32 image (602,112 bytes) to a model that only averages it, {runs} sequential requests per path, interleaved");
        Console.WriteLine("| path | median (ms) | mean (ms) | p99 (ms) |");
        Console.WriteLine("|---|---|---|---|");
        for (var p = 0; p < paths.Count; p++)
        {
            var sorted = times[p].Order().ToArray();
            var p99 = sorted[Math.Clamp((int)Math.Ceiling(0.99 * sorted.Length) - 1, 0, sorted.Length - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {paths[p].Name} | {sorted[sorted.Length / 2]:F3} | {sorted.Average():F3} | {p99:F3} |"));
        }

        foreach (var (_, client) in servers)
        {
            client.Dispose();
        }
    }

    /// <summary>image [N,3,224,224] → GlobalAveragePool → features [N,3,1,1]: ResNet18's input and output names, no arithmetic to speak of.</summary>
    private static byte[] PassthroughModel()
    {
        static ValueInfoProto Tensor(string name, params long[] dims)
        {
            var shape = new TensorShapeProto();
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
            foreach (var dim in dims)
            {
                shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
            }

            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }

        var model = new ModelProto
        {
            IrVersion = 8,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = new GraphProto
            {
                Name = "image_passthrough",
                Node = { new NodeProto { OpType = "GlobalAveragePool", Input = { ResNetServing.Input }, Output = { ResNet18Backbone.FeatureOutput } } },
                Input = { Tensor(ResNetServing.Input, 3, 224, 224) },
                Output = { Tensor(ResNet18Backbone.FeatureOutput, 3, 1, 1) },
            },
        };
        return model.ToByteArray();
    }
}
