using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Raises a model's default-domain opset to the version the quantisation operators need (<c>MatMulInteger</c>,
/// <c>ConvInteger</c> and <c>DequantizeLinear</c> since 10, <c>DynamicQuantizeLinear</c> since 11, per-axis
/// <c>DequantizeLinear</c> since 13; see the ONNX operator changelog, https://onnx.ai/onnx/operators/). Only operators
/// whose meaning is unchanged across the versions crossed are accepted; <c>BatchNormalization</c>'s <c>spatial</c>
/// attribute, removed in opset 9, is dropped when it has its only remaining meaning (1). Anything else is refused rather
/// than silently changed.
/// </summary>
internal static class OpsetUpgrade
{
    // Operator → the highest opset it can be declared under with the same meaning it had at its earliest version we accept,
    // and that earliest opset. Sources: ONNX Changelog.md, one entry per version change.
    private static readonly Dictionary<string, (int From, int UpTo)> Stable = new(StringComparer.Ordinal)
    {
        ["Add"] = (7, 13), ["Sub"] = (7, 13), ["Mul"] = (7, 13), ["Div"] = (7, 13), ["Sum"] = (8, 13),
        ["Max"] = (8, 13), ["Min"] = (8, 13), ["Relu"] = (6, 13), ["LeakyRelu"] = (6, 13), ["Sigmoid"] = (6, 13),
        ["Tanh"] = (6, 13), ["Exp"] = (6, 13), ["Log"] = (6, 13), ["Sqrt"] = (6, 13), ["Abs"] = (6, 13), ["Neg"] = (6, 13),
        ["Identity"] = (1, 13), ["Cast"] = (6, 13), ["Conv"] = (1, 13), ["MaxPool"] = (8, 13), ["AveragePool"] = (7, 13),
        ["GlobalAveragePool"] = (1, 13), ["GlobalMaxPool"] = (1, 13), ["BatchNormalization"] = (7, 13), ["Concat"] = (4, 13),
        ["Reshape"] = (5, 13), ["Flatten"] = (9, 13), ["Transpose"] = (1, 13), ["MatMul"] = (9, 13), ["Gemm"] = (7, 13),
        ["Shape"] = (1, 13), ["Gather"] = (1, 13), ["Constant"] = (9, 13), ["Softmax"] = (1, 12), ["LogSoftmax"] = (1, 12),
        ["Dropout"] = (7, 11), ["Squeeze"] = (1, 12), ["Unsqueeze"] = (1, 12), ["Pad"] = (11, 13), ["Clip"] = (11, 13),
        ["MatMulInteger"] = (10, 13), ["ConvInteger"] = (10, 13), ["DynamicQuantizeLinear"] = (11, 13), ["DequantizeLinear"] = (13, 13),
    };

    /// <summary>The default-domain opset of <paramref name="model"/>.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx")?.Version ?? 0;

    /// <summary>Makes the default opset at least <paramref name="minimum"/>; the IR version follows (opset 11 needs IR 6, 13 needs IR 7).</summary>
    /// <exception cref="NotSupportedException">An operator's meaning changes between the current opset and <paramref name="minimum"/>.</exception>
    public static void Ensure(ModelProto model, int minimum)
    {
        var current = DefaultOpset(model);
        if (current >= minimum)
        {
            return;
        }

        foreach (var node in model.Graph.Node.Where(n => string.IsNullOrEmpty(n.Domain) || n.Domain == "ai.onnx"))
        {
            if (!Stable.TryGetValue(node.OpType, out var range) || current < range.From || minimum > range.UpTo)
            {
                throw new NotSupportedException(
                    $"cannot raise the model from opset {current} to {minimum}: operator {node.OpType} changes meaning in between; re-export the model at opset {minimum} or later");
            }
        }

        foreach (var node in model.Graph.Node.Where(n => n.OpType == "BatchNormalization" && string.IsNullOrEmpty(n.Domain)))
        {
            var spatial = OnnxTensors.Attribute(node, "spatial");
            if (spatial is not null)
            {
                if (spatial.I != 1)
                {
                    throw new NotSupportedException($"BatchNormalization '{node.Name}' has spatial=0, which opset 9 removed");
                }

                node.Attribute.Remove(spatial);
            }
        }

        var import = model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx");
        if (import is null)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = minimum });
        }
        else
        {
            import.Version = minimum;
        }

        var ir = minimum >= 13 ? 7 : 6;
        if (model.IrVersion < 4)
        {
            // Before IR 4 every initializer had to be listed as a graph input; from IR 4 on that listing makes it an input
            // the caller may override, which stops the runtime from constant-folding it. The model never meant that.
            var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = model.Graph.Input.Where(v => !initializers.Contains(v.Name)).ToList();
            model.Graph.Input.Clear();
            model.Graph.Input.AddRange(inputs);
        }

        if (model.IrVersion < ir)
        {
            model.IrVersion = ir;
        }
    }
}
