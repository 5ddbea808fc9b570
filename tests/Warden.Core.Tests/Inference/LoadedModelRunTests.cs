using Google.Protobuf;
using Warden.Core.Inference;
using Warden.Core.Onnx.Proto;
using Warden.Core.Tensors;
using Warden.Core.Tests.Onnx;

namespace Warden.Core.Tests.Inference;

/// <summary>
/// Runs of a loaded model reuse their input tensors between requests; every answer must still be the one its own inputs
/// give, bit for bit, whatever ran before it, beside it or with another layout.
/// </summary>
public sealed class LoadedModelRunTests
{
    [Fact]
    public void Repeated_runs_answer_each_request_with_its_own_values_bit_for_bit()
    {
        using var model = new LoadedModelLease(Load());
        var random = new Random(7);
        for (var run = 0; run < 200; run++)
        {
            var (inputs, sum, square) = Request(random, rows: 1);
            var outputs = model.Model.Run(inputs, null);
            AssertOutputs(outputs, sum, square);
        }
    }

    [Fact]
    public void Concurrent_runs_never_see_each_others_inputs()
    {
        using var model = new LoadedModelLease(Load());
        var failures = 0;
        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var random = new Random(i);
            var (inputs, sum, square) = Request(random, rows: 1 + (i % 3 == 0 ? 0 : i % 4));
            var outputs = model.Model.Run(inputs, null);
            var got = (float[])outputs[0].Data;
            var squares = (long[])outputs[1].Data;
            if (!got.Select(BitConverter.SingleToInt32Bits).SequenceEqual(sum.Select(BitConverter.SingleToInt32Bits)) || !squares.SequenceEqual(square))
            {
                Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Runs_alternating_batch_sizes_and_special_values_match_the_arithmetic()
    {
        using var model = new LoadedModelLease(Load());
        float[] specials = [float.NaN, BitConverter.Int32BitsToSingle(0x7FC00001), -0f, float.Epsilon, float.MaxValue, float.NegativeInfinity];
        for (var run = 0; run < 30; run++)
        {
            var rows = 1 + (run % 3);
            var a = Enumerable.Range(0, rows * 2).Select(i => specials[(run + i) % specials.Length]).ToArray();
            var b = Enumerable.Range(0, rows * 2).Select(i => (float)(i - run)).ToArray();
            var k = Enumerable.Range(0, rows).Select(i => (long)(run * 1000 + i)).ToArray();
            var outputs = model.Model.Run(Inputs(a, b, k, rows), null);
            AssertOutputs(outputs, a.Zip(b, (x, y) => x + y).ToArray(), k.Select(v => v * v).ToArray());
            Assert.Equal(new long[] { rows, 2 }, outputs[0].Shape);
        }
    }

    [Fact]
    public void A_refused_run_leaves_the_next_run_correct()
    {
        using var model = new LoadedModelLease(Load());
        // a has 2 rows, b 3: no broadcast joins them, so the runtime refuses the run.
        var refused = Inputs([1f, 2f, 3f, 4f], [1f, 2f, 3f, 4f, 5f, 6f], [1L, 2L], rows: 2);
        refused[1] = refused[1] with { Shape = [3, 2] };
        Assert.Throws<WardenException>(() => model.Model.Run(refused, null));

        var (inputs, sum, square) = Request(new Random(3), rows: 2);
        AssertOutputs(model.Model.Run(inputs, null), sum, square);
    }

    private static void AssertOutputs(NamedTensor[] outputs, float[] sum, long[] square)
    {
        Assert.Equal(new[] { "s", "q" }, outputs.Select(o => o.Name));
        Assert.Equal(sum.Select(BitConverter.SingleToInt32Bits), ((float[])outputs[0].Data).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(square, (long[])outputs[1].Data);
    }

    private static (NamedTensor[] Inputs, float[] Sum, long[] Square) Request(Random random, int rows)
    {
        var a = Enumerable.Range(0, rows * 2).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray();
        var b = Enumerable.Range(0, rows * 2).Select(_ => (float)(random.NextDouble() * 200 - 100)).ToArray();
        var k = Enumerable.Range(0, rows).Select(_ => (long)random.Next(-3_000_000, 3_000_000)).ToArray();
        return (Inputs(a, b, k, rows), a.Zip(b, (x, y) => x + y).ToArray(), k.Select(v => v * v).ToArray());
    }

    private static NamedTensor[] Inputs(float[] a, float[] b, long[] k, int rows) =>
    [
        new NamedTensor("a", TensorDatatype.Fp32, [rows, 2], a),
        new NamedTensor("b", TensorDatatype.Fp32, [rows, 2], b),
        new NamedTensor("k", TensorDatatype.Int64, [rows, 1], k),
    ];

    // s = a + b (FLOAT [N, 2]) and q = k * k (INT64 [N, 1]): single IEEE operations, so the expected bits are computed here.
    private static LoadedModel Load()
    {
        var graph = new GraphProto { Name = "pinned" };
        graph.Input.Add(Batched("a", TensorProto.Types.DataType.Float, 2));
        graph.Input.Add(Batched("b", TensorProto.Types.DataType.Float, 2));
        graph.Input.Add(Batched("k", TensorProto.Types.DataType.Int64, 1));
        graph.Output.Add(Batched("s", TensorProto.Types.DataType.Float, 2));
        graph.Output.Add(Batched("q", TensorProto.Types.DataType.Int64, 1));
        graph.Node.Add(new NodeProto { Name = "add", OpType = "Add", Input = { "a", "b" }, Output = { "s" } });
        graph.Node.Add(new NodeProto { Name = "mul", OpType = "Mul", Input = { "k", "k" }, Output = { "q" } });
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "warden-tests",
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = graph,
        };
        return LoadedModel.Load("pinned", "1", proto.ToByteArray(), new OnnxOptions());
    }

    private static ValueInfoProto Batched(string name, TensorProto.Types.DataType type, long columns)
    {
        var value = TinyModel.Tensor(name, type, 1, columns);
        value.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        return value;
    }

    private sealed class LoadedModelLease(LoadedModel model) : IDisposable
    {
        public LoadedModel Model { get; } = model;

        public void Dispose() => Model.Retire();
    }
}
