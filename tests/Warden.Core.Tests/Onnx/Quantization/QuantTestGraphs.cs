using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx.Proto;
using Warden.Core.Onnx.Quantization;
using Warden.Core.Tests.Onnx;

namespace Warden.Core.Tests.Onnx.Quantization;

/// <summary>Small single-operator graphs built by hand, and a runner for them in ONNX Runtime.</summary>
internal static class QuantTestGraphs
{
    public static float[] Uniform(int seed, int count, float low, float high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => low + ((high - low) * (float)random.NextDouble())).ToArray();
    }

    public static TensorProto Weight(string name, long[] dims, float[] values) =>
        OnnxTensors.Float(name, dims, values);

    public static ModelProto Model(int opset, GraphProto graph) => new()
    {
        IrVersion = 7,
        ProducerName = "warden-tests",
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = opset } },
        Graph = graph,
    };

    /// <summary>y = x · W, x [rows,k], W [k,n].</summary>
    public static ModelProto MatMul(int rows, int k, int n, float[] w)
    {
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(TinyModel.Tensor("x", TensorProto.Types.DataType.Float, rows, k));
        graph.Output.Add(TinyModel.Tensor("y", TensorProto.Types.DataType.Float, rows, n));
        graph.Initializer.Add(Weight("W", [k, n], w));
        graph.Node.Add(new NodeProto { Name = "mm", OpType = "MatMul", Input = { "x", "W" }, Output = { "y" } });
        return Model(13, graph);
    }

    /// <summary>y = alpha · x · Bᵀ + beta · c, x [rows,k], B stored [n,k] (transB = 1), c [n].</summary>
    public static ModelProto GemmTransB(int rows, int k, int n, float[] b, float[] c, float alpha, float beta)
    {
        var graph = new GraphProto { Name = "gemm" };
        graph.Input.Add(TinyModel.Tensor("x", TensorProto.Types.DataType.Float, rows, k));
        graph.Output.Add(TinyModel.Tensor("y", TensorProto.Types.DataType.Float, rows, n));
        graph.Initializer.Add(Weight("B", [n, k], b));
        graph.Initializer.Add(Weight("C", [n], c));
        graph.Node.Add(new NodeProto
        {
            Name = "gemm",
            OpType = "Gemm",
            Input = { "x", "B", "C" },
            Output = { "y" },
            Attribute =
            {
                OnnxTensors.IntAttribute("transB", 1),
                new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = alpha },
                new AttributeProto { Name = "beta", Type = AttributeProto.Types.AttributeType.Float, F = beta },
            },
        });
        return Model(13, graph);
    }

    /// <summary>3×3 convolution with padding 1 and stride 1: x [1,c,h,w], W [m,c,3,3], bias [m].</summary>
    public static ModelProto Conv(int c, int h, int w, int m, float[] weight, float[] bias, int opset = 13)
    {
        var graph = new GraphProto { Name = "conv" };
        graph.Input.Add(TinyModel.Tensor("x", TensorProto.Types.DataType.Float, 1, c, h, w));
        graph.Output.Add(TinyModel.Tensor("y", TensorProto.Types.DataType.Float, 1, m, h, w));
        graph.Initializer.Add(Weight("W", [m, c, 3, 3], weight));
        graph.Initializer.Add(Weight("bias", [m], bias));
        graph.Node.Add(new NodeProto
        {
            Name = "conv",
            OpType = "Conv",
            Input = { "x", "W", "bias" },
            Output = { "y" },
            Attribute =
            {
                new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 3, 3 } },
                new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1, 1, 1, 1 } },
            },
        });
        return Model(opset, graph);
    }

    public static float[] Run(byte[] model, float[] x, long[] shape)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var run = new RunOptions();
        using var results = session.Run(run, ["x"], [input], ["y"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The run-time activation scale of DynamicQuantizeLinear: (max(0, max x) − min(0, min x)) / 255.</summary>
    public static float ActivationScale(float[] x) => (Math.Max(0f, x.Max()) - Math.Min(0f, x.Min())) / 255f;
}
