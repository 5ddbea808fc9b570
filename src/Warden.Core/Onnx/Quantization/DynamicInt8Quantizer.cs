using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Dynamic int8 quantisation as ONNX Runtime's <c>quantize_dynamic</c> performs it
/// (https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html): weights of MatMul, Gemm and Conv are
/// quantised offline to symmetric int8 (<see cref="SymmetricInt8"/>); the activation feeding them is quantised to uint8 at
/// run time by <c>DynamicQuantizeLinear</c> (scale = (max(0,x) − min(0,x)) / 255); the product is computed in int32 by
/// <c>MatMulInteger</c> / <c>ConvInteger</c>, converted to float and multiplied by <c>x_scale · w_scale</c>:
/// <code>
/// MatMul(A, W)          → Mul(Cast(MatMulInteger(Aq, Wq, A_zp, 128)), A_scale · W_scale)
/// Gemm(A, B, C)         → the same with B transposed offline when transB = 1, alpha folded into W_scale, then Add(β·C)
/// Conv(X, W, bias)      → Mul(Cast(ConvInteger(Xq, Wq, X_zp, 128)), X_scale · W_scale[M,1,…]) + bias[M,1,…]
/// </code>
/// Wq holds the int8 values plus 128 as uint8 with zero point 128 (see <c>AddIntegerWeight</c>).
/// ONNX Runtime fuses these chains into <c>MatMulIntegerToFloat</c> / <c>DynamicQuantizeMatMul</c> when the session is created.
/// </summary>
public static class DynamicInt8Quantizer
{
    /// <summary>The default-domain opset the rewritten graph needs (DynamicQuantizeLinear).</summary>
    public const int RequiredOpset = 11;

    /// <summary>Quantises <paramref name="model"/> in place; returns one entry per candidate node.</summary>
    /// <exception cref="NotSupportedException">The model's opset cannot be raised to <see cref="RequiredOpset"/> without changing its meaning.</exception>
    public static IReadOnlyList<QuantizedNode> Quantize(ModelProto model, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var graph = model.Graph;
        if (!graph.Node.Any(n => WeightSelection.IsCandidate(n, options)))
        {
            return [];
        }

        OpsetUpgrade.Ensure(model, RequiredOpset);
        var rewriter = new Rewriter(graph, options.Granularity);
        var report = new List<QuantizedNode>();
        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        foreach (var node in graph.Node)
        {
            if (!WeightSelection.IsCandidate(node, options))
            {
                nodes.Add(node);
                continue;
            }

            var label = string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name;
            var reason = rewriter.TryRewrite(node, nodes);
            report.Add(new QuantizedNode(label, node.OpType, node.Input[1], reason is null, reason));
            if (reason is not null)
            {
                nodes.Add(node);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(rewriter.NewInitializers);
        WeightSelection.Prune(graph, rewriter.Replaced);
        return report;
    }

    private sealed class Rewriter(GraphProto graph, WeightGranularity granularity)
    {
        private readonly WeightSelection _weights = new(graph);
        private readonly GraphNames _names = new(graph);
        private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _activations = new(StringComparer.Ordinal);

        public List<TensorProto> NewInitializers { get; } = [];

        public HashSet<string> Replaced { get; } = new(StringComparer.Ordinal);

        /// <summary>Appends the integer form of <paramref name="node"/> to <paramref name="nodes"/>; returns why not, or null.</summary>
        public string? TryRewrite(NodeProto node, List<NodeProto> nodes)
        {
            var weight = _weights.Weight(node, out var reason);
            if (weight is null)
            {
                return reason;
            }

            return node.OpType switch
            {
                "MatMul" => MatMul(node, weight, nodes),
                "Gemm" => Gemm(node, weight, nodes),
                "Conv" => Conv(node, weight, nodes),
                _ => $"operator {node.OpType} is not quantised",
            };
        }

        private string? MatMul(NodeProto node, TensorProto weight, List<NodeProto> nodes)
        {
            var values = OnnxTensors.ReadFloats(weight);
            var (k, n) = ((int)weight.Dims[0], (int)weight.Dims[1]);
            EmitMatMul(node, node.Input[0], values, k, n, 1f, node.Output[0], nodes);
            Replaced.Add(weight.Name);
            return null;
        }

        private string? Gemm(NodeProto node, TensorProto weight, List<NodeProto> nodes)
        {
            var alpha = OnnxTensors.FloatAttribute(node, "alpha", 1f);
            var beta = OnnxTensors.FloatAttribute(node, "beta", 1f);
            var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            TensorProto? biasTensor = bias is null ? null : _weights.Initializer(bias);
            if (bias is not null && beta != 1f && (biasTensor is null || !OnnxTensors.IsFloat(biasTensor)))
            {
                return "Gemm with beta ≠ 1 and a bias computed at run time is left in float";
            }

            var values = OnnxTensors.ReadFloats(weight);
            int k, n;
            if (OnnxTensors.IntAttribute(node, "transB", 0) != 0)
            {
                // Gemm's B is [N,K] when transB = 1; MatMulInteger needs [K,N].
                (n, k) = ((int)weight.Dims[0], (int)weight.Dims[1]);
                var transposed = new float[values.Length];
                for (var row = 0; row < n; row++)
                {
                    for (var col = 0; col < k; col++)
                    {
                        transposed[(col * n) + row] = values[(row * k) + col];
                    }
                }

                values = transposed;
            }
            else
            {
                (k, n) = ((int)weight.Dims[0], (int)weight.Dims[1]);
            }

            var product = bias is null ? node.Output[0] : _names.Fresh(Stem(node) + "_product");
            EmitMatMul(node, node.Input[0], values, k, n, alpha, product, nodes);
            if (bias is not null)
            {
                var addend = bias;
                if (beta != 1f)
                {
                    var scaled = OnnxTensors.ReadFloats(biasTensor!).Select(v => v * beta).ToArray();
                    addend = _names.Fresh(bias + "_scaled");
                    NewInitializers.Add(OnnxTensors.Float(addend, biasTensor!.Dims, scaled));
                }

                nodes.Add(new NodeProto { Name = _names.Fresh(Stem(node) + "_bias_add"), OpType = "Add", Input = { product, addend }, Output = { node.Output[0] } });
            }

            Replaced.Add(weight.Name);
            return null;
        }

        private string? Conv(NodeProto node, TensorProto weight, List<NodeProto> nodes)
        {
            var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            var biasTensor = bias is null ? null : _weights.Initializer(bias);
            if (bias is not null && (biasTensor is null || !OnnxTensors.IsFloat(biasTensor)))
            {
                return "Conv with a bias computed at run time is left in float";
            }

            var values = OnnxTensors.ReadFloats(weight);
            var channels = (int)weight.Dims[0];
            var perChannel = granularity == WeightGranularity.PerChannel;
            var (q, scales) = SymmetricInt8.Quantize(values, 1, perChannel ? channels : 1, perChannel ? values.Length / channels : values.Length);

            // Scales and bias are laid out as [M,1,…,1] so they broadcast over the [N,M,d1,…] output.
            var spatialRank = weight.Dims.Count - 2;
            long[] channelShape = [channels, .. Enumerable.Repeat(1L, spatialRank)];
            var stem = Stem(node);
            var (wq, wzp) = AddIntegerWeight(weight.Name, weight.Dims, q);
            var ws = Add(OnnxTensors.Float(_names.Fresh(weight.Name + "_scale"), perChannel ? channelShape : [], scales));
            var (xq, xs, xzp) = QuantizeActivation(node.Input[0], nodes);
            var integer = _names.Fresh(stem + "_int32");
            var conv = new NodeProto { Name = _names.Fresh(stem + "_integer"), OpType = "ConvInteger", Input = { xq, wq, xzp, wzp }, Output = { integer } };
            conv.Attribute.AddRange(node.Attribute.Where(a => a.Name is "auto_pad" or "dilations" or "group" or "kernel_shape" or "pads" or "strides").Select(a => a.Clone()));
            nodes.Add(conv);
            var scaled = bias is null ? node.Output[0] : _names.Fresh(stem + "_scaled");
            EmitRescale(stem, integer, xs, ws, scaled, nodes);
            if (bias is not null)
            {
                var reshaped = Add(OnnxTensors.Float(_names.Fresh(bias + "_broadcast"), channelShape, OnnxTensors.ReadFloats(biasTensor!)));
                nodes.Add(new NodeProto { Name = _names.Fresh(stem + "_bias_add"), OpType = "Add", Input = { scaled, reshaped }, Output = { node.Output[0] } });
                Replaced.Add(bias);
            }

            Replaced.Add(weight.Name);
            return null;
        }

        private void EmitMatMul(NodeProto node, string input, float[] weight, int k, int n, float alpha, string output, List<NodeProto> nodes)
        {
            var perChannel = granularity == WeightGranularity.PerChannel;
            var (q, scales) = SymmetricInt8.Quantize(weight, perChannel ? k : 1, perChannel ? n : 1, perChannel ? 1 : weight.Length);
            for (var i = 0; i < scales.Length; i++)
            {
                scales[i] *= alpha;
            }

            var stem = Stem(node);
            var (wq, wzp) = AddIntegerWeight(node.Input[1], [k, n], q);
            var ws = Add(OnnxTensors.Float(_names.Fresh(node.Input[1] + "_scale"), perChannel ? [n] : [], scales));
            var (xq, xs, xzp) = QuantizeActivation(input, nodes);
            var integer = _names.Fresh(stem + "_int32");
            nodes.Add(new NodeProto { Name = _names.Fresh(stem + "_integer"), OpType = "MatMulInteger", Input = { xq, wq, xzp, wzp }, Output = { integer } });
            EmitRescale(stem, integer, xs, ws, output, nodes);
        }

        // The symmetric int8 weights are stored shifted to uint8 with zero point 128 (the same values, so the same
        // precision): ONNX Runtime multiplies uint8 activations by int8 weights on x86 CPUs without VNNI with an
        // instruction that adds pairs of products in saturating 16 bits (255·127·2 > 32767), which gave answers wrong by
        // a whole unit there; uint8 × uint8 is widened first and exact on every CPU. Its docs name this "U8U8".
        private (string Weight, string ZeroPoint) AddIntegerWeight(string name, IEnumerable<long> dims, sbyte[] q)
        {
            var shifted = new byte[q.Length];
            for (var i = 0; i < q.Length; i++)
            {
                shifted[i] = (byte)(q[i] + 128);
            }

            var weight = Add(OnnxTensors.UInt8(_names.Fresh(name + "_quantized"), dims, shifted));
            var zeroPoint = Add(OnnxTensors.UInt8(_names.Fresh(name + "_zero_point"), [], [128]));
            return (weight, zeroPoint);
        }

        private void EmitRescale(string stem, string integer, string xScale, string wScale, string output, List<NodeProto> nodes)
        {
            var asFloat = _names.Fresh(stem + "_float");
            var scale = _names.Fresh(stem + "_scale");
            nodes.Add(new NodeProto
            {
                Name = _names.Fresh(stem + "_cast"),
                OpType = "Cast",
                Input = { integer },
                Output = { asFloat },
                Attribute = { OnnxTensors.IntAttribute("to", (int)TensorProto.Types.DataType.Float) },
            });
            nodes.Add(new NodeProto { Name = _names.Fresh(stem + "_scale_mul"), OpType = "Mul", Input = { xScale, wScale }, Output = { scale } });
            nodes.Add(new NodeProto { Name = _names.Fresh(stem + "_output_mul"), OpType = "Mul", Input = { asFloat, scale }, Output = { output } });
        }

        // One DynamicQuantizeLinear per activation, shared by every consumer, as ONNX Runtime's tool does.
        private (string Q, string Scale, string ZeroPoint) QuantizeActivation(string input, List<NodeProto> nodes)
        {
            if (_activations.TryGetValue(input, out var existing))
            {
                return existing;
            }

            var quantized = (_names.Fresh(input + "_quantized"), _names.Fresh(input + "_scale"), _names.Fresh(input + "_zero_point"));
            nodes.Add(new NodeProto
            {
                Name = _names.Fresh(input + "_dynamic_quantize"),
                OpType = "DynamicQuantizeLinear",
                Input = { input },
                Output = { quantized.Item1, quantized.Item2, quantized.Item3 },
            });
            _activations[input] = quantized;
            return quantized;
        }

        private string Add(TensorProto tensor)
        {
            NewInitializers.Add(tensor);
            return tensor.Name;
        }

        private static string Stem(NodeProto node) => string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name;
    }
}
