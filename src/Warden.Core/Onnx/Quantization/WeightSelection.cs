using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>Finds the float weight initializer a MatMul, Gemm or Conv node reads, or says why it has none to quantise.</summary>
internal sealed class WeightSelection
{
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly HashSet<string> _graphInputs;

    public WeightSelection(GraphProto graph)
    {
        _initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
        }

        _graphInputs = graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
    }

    public static bool IsCandidate(NodeProto node, QuantizationOptions options) =>
        (string.IsNullOrEmpty(node.Domain) || node.Domain == "ai.onnx") && options.OpTypes.Contains(node.OpType) && node.Input.Count >= 2;

    public TensorProto? Initializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>The weight of <paramref name="node"/>, or null with <paramref name="reason"/> set.</summary>
    public TensorProto? Weight(NodeProto node, out string? reason)
    {
        var name = node.Input[1];
        reason = null;
        if (!_initializers.TryGetValue(name, out var weight))
        {
            reason = "the weight is computed at run time, not an initializer";
            return null;
        }

        if (_graphInputs.Contains(name))
        {
            reason = "the weight is also a graph input the caller may override";
            return null;
        }

        if (!OnnxTensors.IsFloat(weight))
        {
            reason = "the weight is not an embedded float32 tensor";
            return null;
        }

        var rank = weight.Dims.Count;
        if ((node.OpType is "MatMul" or "Gemm" && rank != 2) || (node.OpType == "Conv" && rank < 3))
        {
            reason = $"a rank-{rank} weight is not supported for {node.OpType}";
            return null;
        }

        if (node.OpType == "Gemm" && OnnxTensors.IntAttribute(node, "transA", 0) != 0)
        {
            reason = "Gemm with transA=1 is left in float";
            return null;
        }

        if (_initializers.ContainsKey(node.Input[0]))
        {
            reason = "both operands are constants";
            return null;
        }

        return weight;
    }

    /// <summary>Names every node in <paramref name="graph"/> (and its subgraphs) reads.</summary>
    public static HashSet<string> ReadNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        Collect(graph, names);
        names.UnionWith(graph.Output.Select(v => v.Name));
        return names;
    }

    /// <summary>Removes initializers in <paramref name="replaced"/> that nothing reads any more.</summary>
    public static void Prune(GraphProto graph, IReadOnlySet<string> replaced)
    {
        var read = ReadNames(graph);
        var kept = graph.Initializer.Where(t => !replaced.Contains(t.Name) || read.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(kept);
    }

    private static void Collect(GraphProto graph, HashSet<string> names)
    {
        foreach (var node in graph.Node)
        {
            names.UnionWith(node.Input.Where(n => n.Length > 0));
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G is not null)
                {
                    Collect(attribute.G, names);
                }

                foreach (var sub in attribute.Graphs)
                {
                    Collect(sub, names);
                }
            }
        }
    }
}
