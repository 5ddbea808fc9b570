using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx.Proto;

namespace Warden.Core.Tests.Onnx;

/// <summary>
/// A two-output graph built by hand: t = x + W (W = [1.5, -2] stored as raw_data), z = Relu(t), w = t * 2
/// (the 2 stored in float_data). x is FLOAT [1,2] with a fixed batch dimension of 1.
/// </summary>
internal static class TinyModel
{
    public static ModelProto Build()
    {
        var weights = new float[] { 1.5f, -2f };
        var raw = new byte[weights.Length * sizeof(float)];
        Buffer.BlockCopy(weights, 0, raw, 0, raw.Length);
        Assert.True(BitConverter.IsLittleEndian);

        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Tensor("x", TensorProto.Types.DataType.Float, 1, 2));
        graph.Output.Add(Tensor("z", TensorProto.Types.DataType.Float, 1, 2));
        graph.Output.Add(Tensor("w", TensorProto.Types.DataType.Float, 1, 2));
        graph.ValueInfo.Add(Tensor("t", TensorProto.Types.DataType.Float, 1, 2));
        graph.Initializer.Add(new TensorProto
        {
            Name = "W",
            DataType = (int)TensorProto.Types.DataType.Float,
            Dims = { 2 },
            RawData = ByteString.CopyFrom(raw),
        });
        graph.Initializer.Add(new TensorProto
        {
            Name = "two",
            DataType = (int)TensorProto.Types.DataType.Float,
            FloatData = { 2f },
        });
        graph.Node.Add(new NodeProto { Name = "add", OpType = "Add", Input = { "x", "W" }, Output = { "t" } });
        graph.Node.Add(new NodeProto { Name = "relu", OpType = "Relu", Input = { "t" }, Output = { "z" } });
        graph.Node.Add(new NodeProto { Name = "mul", OpType = "Mul", Input = { "t", "two" }, Output = { "w" } });

        return new ModelProto
        {
            IrVersion = 8,
            ProducerName = "warden-tests",
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = graph,
        };
    }

    public static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>Runs the model in ONNX Runtime with one float input of shape [rows, 2]; returns every output by name.</summary>
    public static Dictionary<string, float[]> Run(byte[] model, string inputName, float[] x)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length / 2, 2]);
        using var options = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var results = session.Run(options, [inputName], [input], outputNames);
        var values = new Dictionary<string, float[]>();
        for (var i = 0; i < outputNames.Length; i++)
        {
            values[outputNames[i]] = results[i].GetTensorDataAsSpan<float>().ToArray();
        }

        return values;
    }
}
