using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Turns the int8 weights written by <see cref="WeightOnlyInt8Quantizer"/> back into float32 initializers before a
/// session is created: every <c>DequantizeLinear</c> whose inputs are all initializers is evaluated here,
/// <c>y = (x − zero_point) · scale</c> (per tensor, or per <c>axis</c>), and replaced by its result. The model is then
/// stored and shipped at a quarter of its size but runs as a plain float32 graph; ONNX Runtime would otherwise keep the
/// dequantisation in the graph and repeat it on every request, since it does not constant-fold <c>DequantizeLinear</c> by default.
/// </summary>
public static class WeightDequantizer
{
    /// <summary>Returns <paramref name="onnx"/> with constant dequantisation folded, or the same bytes when there is none.</summary>
    public static byte[] Expand(byte[] onnx)
    {
        var editor = OnnxGraphEditor.Load(onnx);
        var graph = editor.Model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var folded = 0;
        var nodes = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            if (node.OpType == "DequantizeLinear" && (string.IsNullOrEmpty(node.Domain) || node.Domain == "ai.onnx")
                && node.Input.All(initializers.ContainsKey) && Dequantize(node, initializers) is { } values)
            {
                graph.Initializer.Add(values);
                folded++;
                continue;
            }

            nodes.Add(node);
        }

        if (folded == 0)
        {
            return onnx;
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        WeightSelection.Prune(graph, initializers.Keys.ToHashSet(StringComparer.Ordinal));
        return editor.ToBytes();
    }

    private static TensorProto? Dequantize(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        var x = initializers[node.Input[0]];
        if (x.DataType != (int)TensorProto.Types.DataType.Int8 || x.RawData.IsEmpty || node.Input.Count < 2)
        {
            return null;
        }

        var scale = initializers[node.Input[1]];
        if (!OnnxTensors.IsFloat(scale))
        {
            return null;
        }

        var scales = OnnxTensors.ReadFloats(scale);
        var zeroPoints = node.Input.Count > 2 && node.Input[2].Length > 0 ? ReadInt8(initializers[node.Input[2]]) : new sbyte[scales.Length];
        if (zeroPoints is null || zeroPoints.Length != scales.Length)
        {
            return null;
        }

        var dims = x.Dims.ToArray();
        var q = ReadInt8(x)!;
        var values = new float[q.Length];
        if (scales.Length == 1)
        {
            for (var i = 0; i < q.Length; i++)
            {
                values[i] = (q[i] - zeroPoints[0]) * scales[0];
            }
        }
        else
        {
            var axis = (int)OnnxTensors.IntAttribute(node, "axis", 1);
            axis = axis < 0 ? axis + dims.Length : axis;
            if (axis < 0 || axis >= dims.Length || dims[axis] != scales.Length)
            {
                return null;
            }

            var inner = (int)dims[(axis + 1)..].Aggregate(1L, (a, d) => a * d);
            for (var i = 0; i < q.Length; i++)
            {
                var channel = i / inner % scales.Length;
                values[i] = (q[i] - zeroPoints[channel]) * scales[channel];
            }
        }

        return OnnxTensors.Float(node.Output[0], dims, values);
    }

    private static sbyte[]? ReadInt8(TensorProto tensor) =>
        tensor.DataType != (int)TensorProto.Types.DataType.Int8 ? null
        : !tensor.RawData.IsEmpty ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(tensor.RawData.Span).ToArray()
        : tensor.Int32Data.Select(v => (sbyte)v).ToArray();
}
