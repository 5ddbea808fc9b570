using Warden.Core.Onnx;
using Warden.Core.Onnx.Proto;

namespace Warden.Training.Transfer;

/// <summary>
/// Appends a <see cref="SoftmaxHead"/> to a backbone graph so the whole pipeline is served as one ONNX model:
/// <c>Flatten</c> (the pooled [N,512,1,1] features to [N,512]) → <c>Sub</c> offset → <c>Mul</c> scale (ML.NET's min-max
/// normaliser) → <c>MatMul</c> Wᵀ → <c>Add</c> b → <c>Softmax</c> → output <c>probabilities</c> (FLOAT [N,C]), and
/// <c>ArgMax</c> → output <c>label</c> (INT64 [N,1], the class index = the digit). Only opset-8 operators are used, so the
/// backbone's opset import stays valid (ONNX operator specifications, <see href="https://onnx.ai/onnx/operators/"/>).
/// </summary>
public static class HeadGraphAppender
{
    /// <summary>Output with the class probabilities.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>Output with the most probable class.</summary>
    public const string LabelOutput = "label";

    private const string Prefix = "head_";

    /// <summary>Replaces <paramref name="backbone"/>'s single output <paramref name="featureOutput"/> with the head's outputs.</summary>
    public static OnnxGraphEditor Append(OnnxGraphEditor backbone, string featureOutput, SoftmaxHead head, string batchSymbol = "N")
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(head);
        var graph = backbone.Model.Graph;
        if (graph.Output.Count != 1 || graph.Output[0].Name != featureOutput)
        {
            throw new ArgumentException($"The backbone must have the single output '{featureOutput}'.", nameof(featureOutput));
        }

        var d = head.Dimension;
        var c = head.Classes;
        var transposed = new float[d * c];
        for (var j = 0; j < d; j++)
        {
            for (var k = 0; k < c; k++)
            {
                transposed[(j * c) + k] = head.Weights[k][j];
            }
        }

        graph.Initializer.Add(ResNet18Backbone.FloatTensor(Prefix + "offset", [d], head.Offset));
        graph.Initializer.Add(ResNet18Backbone.FloatTensor(Prefix + "scale", [d], head.Scale));
        graph.Initializer.Add(ResNet18Backbone.FloatTensor(Prefix + "weights", [d, c], transposed));
        graph.Initializer.Add(ResNet18Backbone.FloatTensor(Prefix + "bias", [c], head.Bias));

        graph.Node.Add(Node("Flatten", [featureOutput], [Prefix + "flat"], Int("axis", 1)));
        graph.Node.Add(Node("Sub", [Prefix + "flat", Prefix + "offset"], [Prefix + "centred"]));
        graph.Node.Add(Node("Mul", [Prefix + "centred", Prefix + "scale"], [Prefix + "normalised"]));
        graph.Node.Add(Node("MatMul", [Prefix + "normalised", Prefix + "weights"], [Prefix + "product"]));
        graph.Node.Add(Node("Add", [Prefix + "product", Prefix + "bias"], [Prefix + "logits"]));
        graph.Node.Add(Node("Softmax", [Prefix + "logits"], [ProbabilitiesOutput], Int("axis", 1)));
        graph.Node.Add(Node("ArgMax", [ProbabilitiesOutput], [LabelOutput], Int("axis", 1), Int("keepdims", 1)));

        graph.Output.Clear();
        graph.Output.Add(Tensor(ProbabilitiesOutput, TensorProto.Types.DataType.Float, batchSymbol, c));
        graph.Output.Add(Tensor(LabelOutput, TensorProto.Types.DataType.Int64, batchSymbol, 1));
        return backbone;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Prefix + op };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static ValueInfoProto Tensor(string name, TensorProto.Types.DataType type, string batch, long width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)type,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = batch },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };
}
