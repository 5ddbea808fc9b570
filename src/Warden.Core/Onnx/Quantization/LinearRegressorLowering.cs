using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Rewrites <c>ai.onnx.ml.LinearRegressor</c> (https://onnx.ai/onnx/operators/onnx_aionnxml_LinearRegressor.html) with
/// <c>post_transform = NONE</c> into <c>Y = MatMul(X, Wᵀ) + intercepts</c>, where W holds the coefficients as
/// <c>targets × features</c> row-major, as the operator defines them. The result is the same function in standard
/// operators, which the quantisers can then treat like any other MatMul.
/// </summary>
internal static class LinearRegressorLowering
{
    /// <summary>Rewrites every eligible node; returns how many were rewritten.</summary>
    public static int Apply(ModelProto model)
    {
        var graph = model.Graph;
        var names = new GraphNames(graph);
        var floatValues = FloatValues(graph);
        var rewritten = 0;
        var nodes = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            if (node.OpType != "LinearRegressor" || node.Domain != "ai.onnx.ml" || !floatValues.Contains(node.Input[0]))
            {
                nodes.Add(node);
                continue;
            }

            var post = OnnxTensors.Attribute(node, "post_transform");
            var targets = (int)OnnxTensors.IntAttribute(node, "targets", 1);
            var coefficients = OnnxTensors.Attribute(node, "coefficients")?.Floats.ToArray() ?? [];
            var intercepts = OnnxTensors.Attribute(node, "intercepts")?.Floats.ToArray() ?? new float[targets];
            if ((post is not null && post.S.ToStringUtf8() != "NONE") || targets < 1 || coefficients.Length == 0
                || coefficients.Length % targets != 0 || intercepts.Length != targets)
            {
                nodes.Add(node);
                continue;
            }

            var features = coefficients.Length / targets;
            var weight = new float[coefficients.Length];
            for (var t = 0; t < targets; t++)
            {
                for (var f = 0; f < features; f++)
                {
                    weight[(f * targets) + t] = coefficients[(t * features) + f];
                }
            }

            var stem = string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name;
            var weightName = names.Fresh(stem + "_coefficients");
            var interceptName = names.Fresh(stem + "_intercepts");
            var product = names.Fresh(stem + "_product");
            graph.Initializer.Add(OnnxTensors.Float(weightName, [features, targets], weight));
            graph.Initializer.Add(OnnxTensors.Float(interceptName, [targets], intercepts));
            nodes.Add(new NodeProto { Name = names.Fresh(stem + "_matmul"), OpType = "MatMul", Input = { node.Input[0], weightName }, Output = { product } });
            nodes.Add(new NodeProto { Name = names.Fresh(stem + "_add"), OpType = "Add", Input = { product, interceptName }, Output = { node.Output[0] } });
            rewritten++;
        }

        if (rewritten > 0)
        {
            graph.Node.Clear();
            graph.Node.AddRange(nodes);
            if (OpsetUpgrade.DefaultOpset(model) < 9)
            {
                OpsetUpgrade.Ensure(model, 9);
            }
        }

        return rewritten;
    }

    // Values known to be float tensors: declared so in inputs/value_info, or produced by a Cast to float or a Scaler
    // (whose output is always float). MatMul does not accept the integer and double inputs LinearRegressor also takes.
    private static HashSet<string> FloatValues(GraphProto graph)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (value.Type?.TensorType?.ElemType == (int)TensorProto.Types.DataType.Float)
            {
                result.Add(value.Name);
            }
        }

        foreach (var node in graph.Node)
        {
            var isFloatCast = node.OpType == "Cast" && OnnxTensors.IntAttribute(node, "to", 0) == (int)TensorProto.Types.DataType.Float;
            if (isFloatCast || (node.OpType == "Scaler" && node.Domain == "ai.onnx.ml"))
            {
                result.UnionWith(node.Output);
            }
        }

        return result;
    }
}
