using Google.Protobuf;
using Warden.Core.Onnx.Proto;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>ONNX graphs built in the tests, so every protocol datatype can be exercised end to end.</summary>
public static class TestModels
{
    /// <summary>The protocol datatypes and their ONNX element types.</summary>
    public static readonly (string Wire, TensorProto.Types.DataType Onnx)[] Types =
    [
        ("BOOL", TensorProto.Types.DataType.Bool),
        ("UINT8", TensorProto.Types.DataType.Uint8),
        ("UINT16", TensorProto.Types.DataType.Uint16),
        ("UINT32", TensorProto.Types.DataType.Uint32),
        ("UINT64", TensorProto.Types.DataType.Uint64),
        ("INT8", TensorProto.Types.DataType.Int8),
        ("INT16", TensorProto.Types.DataType.Int16),
        ("INT32", TensorProto.Types.DataType.Int32),
        ("INT64", TensorProto.Types.DataType.Int64),
        ("FP16", TensorProto.Types.DataType.Float16),
        ("FP32", TensorProto.Types.DataType.Float),
        ("FP64", TensorProto.Types.DataType.Double),
        ("BYTES", TensorProto.Types.DataType.String),
    ];

    /// <summary>One Identity node per datatype: input <c>in_&lt;type&gt;</c> [-1, 2] → output <c>out_&lt;type&gt;</c>.</summary>
    public static byte[] EchoAllTypes()
    {
        var graph = new GraphProto { Name = "echo" };
        foreach (var (wire, onnx) in Types)
        {
            var name = wire.ToLowerInvariant();
            graph.Input.Add(Tensor("in_" + name, onnx));
            graph.Output.Add(Tensor("out_" + name, onnx));
            graph.Node.Add(new NodeProto { Name = "id_" + name, OpType = "Identity", Input = { "in_" + name }, Output = { "out_" + name } });
        }

        return new ModelProto
        {
            IrVersion = 8,
            ProducerName = "warden-tests",
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 13 } },
            Graph = graph,
        }.ToByteArray();
    }

    private static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 2 });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
