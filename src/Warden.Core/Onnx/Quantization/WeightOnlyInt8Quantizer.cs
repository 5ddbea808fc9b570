using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Weight-only int8 quantisation: each MatMul, Gemm and Conv weight is stored as symmetric int8 (<see cref="SymmetricInt8"/>)
/// with its scales, and a <c>DequantizeLinear</c> node (https://onnx.ai/onnx/operators/onnx__DequantizeLinear.html,
/// <c>y = (x − zero_point) · scale</c>, per axis since opset 13) rebuilds the float weight under its original name.
/// The file shrinks about fourfold; the arithmetic, and so the accuracy cost, is that of float32 with rounded weights.
/// ONNX Runtime evaluates the dequantisation once, when it constant-folds the graph at session creation.
/// </summary>
public static class WeightOnlyInt8Quantizer
{
    /// <summary>Quantises <paramref name="model"/> in place; returns one entry per candidate node.</summary>
    public static IReadOnlyList<QuantizedNode> Quantize(ModelProto model, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var graph = model.Graph;
        if (!graph.Node.Any(n => WeightSelection.IsCandidate(n, options)))
        {
            return [];
        }

        var perChannel = options.Granularity == WeightGranularity.PerChannel;
        OpsetUpgrade.Ensure(model, perChannel ? 13 : 10);
        var weights = new WeightSelection(graph);
        var names = new GraphNames(graph);
        var report = new List<QuantizedNode>();
        var axes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => WeightSelection.IsCandidate(n, options)))
        {
            var label = string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name;
            var weight = weights.Weight(node, out var reason);
            if (weight is null)
            {
                report.Add(new QuantizedNode(label, node.OpType, node.Input[1], false, reason));
                continue;
            }

            // The output channel: columns of a MatMul weight [K,N]; rows of a Gemm weight stored [N,K] (transB = 1); filters of a Conv weight.
            var axis = node.OpType switch
            {
                "Conv" => 0,
                "Gemm" when OnnxTensors.IntAttribute(node, "transB", 0) != 0 => 0,
                _ => 1,
            };
            if (axes.TryGetValue(weight.Name, out var earlier) && earlier != axis)
            {
                report.Add(new QuantizedNode(label, node.OpType, weight.Name, false, "the weight is shared by nodes that read its channels along different axes"));
                continue;
            }

            axes[weight.Name] = axis;
            report.Add(new QuantizedNode(label, node.OpType, weight.Name, true, null));
        }

        // A weight shared with a conflicting reader stays float for every reader.
        var conflicting = report.Where(r => !r.Quantized && axes.ContainsKey(r.Weight)).Select(r => r.Weight).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < report.Count; i++)
        {
            if (report[i].Quantized && conflicting.Contains(report[i].Weight))
            {
                report[i] = report[i] with { Quantized = false, Reason = "the weight is shared by nodes that read its channels along different axes" };
            }
        }

        var dequantize = new List<NodeProto>();
        foreach (var (name, axis) in axes.Where(a => !conflicting.Contains(a.Key)))
        {
            var weight = weights.Initializer(name)!;
            var values = OnnxTensors.ReadFloats(weight);
            var dims = weight.Dims.ToArray();
            var outer = perChannel ? (int)dims[..axis].Aggregate(1L, (a, d) => a * d) : 1;
            var channels = perChannel ? (int)dims[axis] : 1;
            var (q, scales) = SymmetricInt8.Quantize(values, outer, channels, values.Length / outer / channels);
            long[] scaleDims = perChannel ? [channels] : [];
            var quantized = OnnxTensors.Int8(names.Fresh(name + "_quantized"), dims, q);
            var scale = OnnxTensors.Float(names.Fresh(name + "_scale"), scaleDims, scales);
            var zeroPoint = OnnxTensors.Int8(names.Fresh(name + "_zero_point"), scaleDims, new sbyte[scales.Length]);
            graph.Initializer.Remove(weight);
            graph.Initializer.Add(quantized);
            graph.Initializer.Add(scale);
            graph.Initializer.Add(zeroPoint);
            var node = new NodeProto
            {
                Name = names.Fresh(name + "_dequantize"),
                OpType = "DequantizeLinear",
                Input = { quantized.Name, scale.Name, zeroPoint.Name },
                Output = { name },
            };
            if (perChannel)
            {
                node.Attribute.Add(OnnxTensors.IntAttribute("axis", axis));
            }

            dequantize.Add(node);
        }

        // Dequantisation reads only initializers, so placing it first keeps the node list topologically sorted.
        var rest = graph.Node.ToList();
        graph.Node.Clear();
        graph.Node.AddRange(dequantize);
        graph.Node.AddRange(rest);
        return report;
    }
}
