using Warden.Core.Onnx;
using Warden.Core.Onnx.Proto;
using Warden.Training.Tabular;

namespace Warden.Training.Mitigation;

/// <summary>
/// Builds the ONNX graph (opset 13, <see href="https://onnx.ai/onnx/operators/">operator specifications</see>) of one logistic
/// model, of a fixed mixture of them, or of a one-hidden-layer network over <see cref="TabularColumn"/> inputs: a numeric or yes/no column is a FLOAT [N,1]
/// input (NaN replaced by the training mean when training had missing values), a categorical column a STRING [N,1] input
/// one-hot encoded by <c>ai.onnx.ml.OneHotEncoder</c>; outputs <c>label</c> (BOOL [N,1]) and <c>probability</c> (FLOAT [N,1]).
/// </summary>
/// <remarks>
/// Single model: X = Concat(encoded inputs) · scale, Z = X·W + b, probability = Sigmoid(Z), label = Z &gt; 0 (probability &gt; 0.5).
/// Mixture with weights q: probability = Σ_t q_t·1(Z_t &gt; 0), the chance that the randomised classifier predicts 1
/// (Fairlearn's <c>_pmf_predict</c>), and label = probability &gt; 0.5 — a deterministic rule.
/// Hidden layer: H = Relu(X·V + c), Z = H·w + b, probability = Sigmoid(Z), label = Z &gt; 0.
/// </remarks>
internal static class ClassifierOnnxExporter
{
    private const int Opset = 13;

    /// <summary>The twelve HMDA features, all numeric without missing values: the demo model's inputs.</summary>
    public static IReadOnlyList<TabularColumn> HmdaColumns { get; } =
        HmdaDataset.FeatureNames.Select(n => new TabularColumn(n, TabularColumnKind.Numeric, [], 0, 0)).ToArray();

    public static OnnxGraphEditor Export(IReadOnlyList<TabularColumn> columns, float[] scale, LinearClassifier model) => Build(columns, scale, [model], null);

    public static OnnxGraphEditor ExportMixture(IReadOnlyList<TabularColumn> columns, float[] scale, IReadOnlyList<LinearClassifier> members, IReadOnlyList<double> weights)
    {
        if (members.Count != weights.Count || members.Count == 0)
        {
            throw new ArgumentException("A mixture needs one weight per member and at least one member.", nameof(weights));
        }

        return Build(columns, scale, members, weights);
    }

    /// <summary>The network's graph: the same inputs and scaling as the logistic model, then MatMul, Add, Relu, MatMul, Add.</summary>
    public static OnnxGraphEditor ExportHiddenLayer(IReadOnlyList<TabularColumn> columns, float[] scale, HiddenLayerClassifier model)
    {
        var d = scale.Length;
        var h = model.Hidden;
        var graph = new GraphProto { Name = "warden-hidden-layer" };
        var usesMl = AddScaledInputs(graph, columns, scale);

        // V is stored unit-major (V_kj at k·d + j); the graph multiplies X [N,d] by its transpose [d,H].
        graph.Initializer.Add(Tensor("V", [d, h], Matrix(d, h, (j, k) => model.InputWeights[(k * d) + j])));
        graph.Initializer.Add(Tensor("c", [h], model.HiddenBiases.Select(v => (float)v).ToArray()));
        graph.Initializer.Add(Tensor("w", [h, 1], model.OutputWeights.Select(v => (float)v).ToArray()));
        graph.Initializer.Add(Tensor("b", [1], [(float)model.OutputBias]));
        graph.Initializer.Add(Tensor("zero", [], [0f]));
        graph.Node.Add(Node("MatMul", ["X_scaled", "V"], "H_raw"));
        graph.Node.Add(Node("Add", ["H_raw", "c"], "H_pre"));
        graph.Node.Add(Node("Relu", ["H_pre"], "H"));
        graph.Node.Add(Node("MatMul", ["H", "w"], "Z_raw"));
        graph.Node.Add(Node("Add", ["Z_raw", "b"], "Z"));
        graph.Node.Add(Node("Sigmoid", ["Z"], CreditRiskTrainer.ScoreOutput));
        graph.Node.Add(Node("Greater", ["Z", "zero"], CreditRiskTrainer.LabelOutput));
        return Finish(graph, usesMl);
    }

    private static OnnxGraphEditor Build(IReadOnlyList<TabularColumn> columns, float[] scale, IReadOnlyList<LinearClassifier> members, IReadOnlyList<double>? mixture)
    {
        var d = scale.Length;
        var t = members.Count;
        var graph = new GraphProto { Name = "warden-linear" };
        var usesMl = AddScaledInputs(graph, columns, scale);
        graph.Initializer.Add(Tensor("W", [d, t], Matrix(d, t, (j, k) => members[k].Weights[j])));
        graph.Initializer.Add(Tensor("b", [t], members.Select(m => (float)m.Bias).ToArray()));
        graph.Initializer.Add(Tensor("zero", [], [0f]));
        graph.Node.Add(Node("MatMul", ["X_scaled", "W"], "Z_raw"));
        graph.Node.Add(Node("Add", ["Z_raw", "b"], "Z"));
        if (mixture is null)
        {
            graph.Node.Add(Node("Sigmoid", ["Z"], CreditRiskTrainer.ScoreOutput));
            graph.Node.Add(Node("Greater", ["Z", "zero"], CreditRiskTrainer.LabelOutput));
        }
        else
        {
            graph.Initializer.Add(Tensor("q", [t, 1], mixture.Select(v => (float)v).ToArray()));
            graph.Initializer.Add(Tensor("half", [], [0.5f]));
            graph.Node.Add(Node("Greater", ["Z", "zero"], "H"));
            var cast = Node("Cast", ["H"], "H_float");
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            graph.Node.Add(cast);
            graph.Node.Add(Node("MatMul", ["H_float", "q"], CreditRiskTrainer.ScoreOutput));
            graph.Node.Add(Node("Greater", [CreditRiskTrainer.ScoreOutput, "half"], CreditRiskTrainer.LabelOutput));
        }

        return Finish(graph, usesMl);
    }

    /// <summary>One input per column, encoded and concatenated into X, then X_scaled = X·scale; true when a column needs ai.onnx.ml.</summary>
    private static bool AddScaledInputs(GraphProto graph, IReadOnlyList<TabularColumn> columns, float[] scale)
    {
        var parts = new List<string>();
        var usesMl = false;
        foreach (var column in columns)
        {
            var name = column.Name;
            if (column.Kind == TabularColumnKind.Categorical)
            {
                usesMl = true;
                graph.Input.Add(Value(name, TensorProto.Types.DataType.String));
                var onehot = Node("OneHotEncoder", [name], "onehot." + name);
                onehot.Domain = "ai.onnx.ml";
                var cats = new AttributeProto { Name = "cats_strings", Type = AttributeProto.Types.AttributeType.Strings };
                cats.Strings.AddRange(column.Categories.Select(Google.Protobuf.ByteString.CopyFromUtf8));
                onehot.Attribute.Add(cats);
                // zeros = 1: a value never seen in training encodes as all zeros instead of failing the request.
                onehot.Attribute.Add(new AttributeProto { Name = "zeros", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                graph.Node.Add(onehot);
                var flatten = Node("Flatten", ["onehot." + name], "flat." + name);
                flatten.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
                graph.Node.Add(flatten);
                parts.Add("flat." + name);
            }
            else
            {
                graph.Input.Add(Value(name, TensorProto.Types.DataType.Float));
                if (column.Missing > 0)
                {
                    graph.Initializer.Add(Tensor("mean." + name, [], [(float)column.Mean]));
                    graph.Node.Add(Node("IsNaN", [name], "nan." + name));
                    graph.Node.Add(Node("Where", ["nan." + name, "mean." + name, name], "imputed." + name));
                    parts.Add("imputed." + name);
                }
                else
                {
                    parts.Add(name);
                }
            }
        }

        graph.Initializer.Add(Tensor("scale", [scale.Length], scale));
        var concat = Node("Concat", [.. parts], "X");
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(concat);
        graph.Node.Add(Node("Mul", ["X", "scale"], "X_scaled"));
        return usesMl;
    }

    /// <summary>Declares the outputs label (BOOL [N,1]) and probability (FLOAT [N,1]) and wraps the graph in an opset-13 model.</summary>
    private static OnnxGraphEditor Finish(GraphProto graph, bool usesMl)
    {
        graph.Output.Add(Value(CreditRiskTrainer.LabelOutput, TensorProto.Types.DataType.Bool));
        graph.Output.Add(Value(CreditRiskTrainer.ScoreOutput, TensorProto.Types.DataType.Float));

        var model = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "Warden.Training.Mitigation",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (usesMl)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = 1 });
        }
        return OnnxGraphEditor.Wrap(model);
    }

    /// <summary>A rows × columns matrix in row-major order, element (i, k) = <paramref name="element"/>(i, k).</summary>
    private static float[] Matrix(int rows, int columns, Func<int, int, double> element)
    {
        var values = new float[rows * columns];
        for (var i = 0; i < rows; i++)
        {
            for (var k = 0; k < columns; k++)
            {
                values[(i * columns) + k] = (float)element(i, k);
            }
        }

        return values;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = CreditRiskTrainer.BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
