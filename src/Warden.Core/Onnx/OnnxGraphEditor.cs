using Google.Protobuf;
using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx;

/// <summary>
/// Structural edits on an ONNX model (<see href="https://onnx.ai/onnx/repo-docs/IR.html">ONNX IR specification</see>):
/// renaming graph inputs and outputs, keeping a chosen subset of outputs (and dropping the nodes only they needed),
/// making the batch dimension symbolic and setting model metadata. Everything the edits do not touch, including
/// fields this project's <c>onnx.proto</c> does not declare, is written back unchanged.
/// </summary>
/// <remarks>
/// The editor relies on two rules of the IR specification: nodes are listed in topological order, and a name
/// defined in a subgraph never shadows a name of an enclosing graph. Models that break them are not valid ONNX.
/// </remarks>
public sealed class OnnxGraphEditor
{
    private OnnxGraphEditor(ModelProto model) => Model = model;

    /// <summary>The model being edited; edits are applied to it in place.</summary>
    public ModelProto Model { get; }

    private GraphProto Graph => Model.Graph;

    /// <summary>Graph inputs, in declaration order.</summary>
    public IReadOnlyList<OnnxValueSignature> Inputs => Graph.Input.Select(OnnxValueSignature.From).ToArray();

    /// <summary>Graph outputs, in declaration order.</summary>
    public IReadOnlyList<OnnxValueSignature> Outputs => Graph.Output.Select(OnnxValueSignature.From).ToArray();

    /// <summary>Parses a serialized <c>ModelProto</c>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a protobuf message or the model has no graph.</exception>
    public static OnnxGraphEditor Load(ReadOnlySpan<byte> bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException("Not an ONNX model: " + ex.Message, ex);
        }

        if (model.Graph is null)
        {
            throw new InvalidDataException("The ONNX model has no graph.");
        }

        return new OnnxGraphEditor(model);
    }

    /// <summary>Reads and parses an <c>.onnx</c> file.</summary>
    public static OnnxGraphEditor LoadFile(string path) => Load(File.ReadAllBytes(path));

    /// <summary>Wraps a model already in memory; edits change <paramref name="model"/>.</summary>
    public static OnnxGraphEditor Wrap(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
        {
            throw new ArgumentException("The ONNX model has no graph.", nameof(model));
        }

        return new OnnxGraphEditor(model);
    }

    /// <summary>Serializes the model.</summary>
    public byte[] ToBytes() => Model.ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllBytes(path, ToBytes());

    /// <summary>Renames graph input <paramref name="from"/> and every reference to it.</summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> is not an input, or <paramref name="to"/> is already used.</exception>
    public OnnxGraphEditor RenameInput(string from, string to)
    {
        if (!Graph.Input.Any(v => v.Name == from))
        {
            throw new ArgumentException($"The graph has no input named '{from}'.", nameof(from));
        }

        RenameValue(from, to);
        return this;
    }

    /// <summary>Renames graph output <paramref name="from"/>, the node output that produces it and every consumer.</summary>
    /// <exception cref="ArgumentException"><paramref name="from"/> is not an output, or <paramref name="to"/> is already used.</exception>
    public OnnxGraphEditor RenameOutput(string from, string to)
    {
        if (!Graph.Output.Any(v => v.Name == from))
        {
            throw new ArgumentException($"The graph has no output named '{from}'.", nameof(from));
        }

        RenameValue(from, to);
        return this;
    }

    /// <summary>
    /// Makes <paramref name="names"/>, in that order, the only graph outputs, then removes the nodes, initializers
    /// and value annotations that no remaining output depends on. Graph inputs are left as they are, since they are
    /// the model's interface.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a graph output, is repeated, or none is given.</exception>
    public OnnxGraphEditor KeepOutputs(params IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("A model needs at least one output.", nameof(names));
        }

        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Output names must be distinct.", nameof(names));
        }

        var byName = Graph.Output.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var kept = new List<ValueInfoProto>(names.Count);
        foreach (var name in names)
        {
            if (!byName.TryGetValue(name, out var value))
            {
                throw new ArgumentException($"The graph has no output named '{name}'.", nameof(names));
            }

            kept.Add(value);
        }

        Graph.Output.Clear();
        Graph.Output.AddRange(kept);
        RemoveUnusedParts();
        return this;
    }

    /// <summary>
    /// Sets dimension 0 of every graph input and output of rank ≥ 1 to the symbolic dimension <paramref name="symbol"/>,
    /// so a runtime accepts any batch size and reports one name for it. Values without a declared tensor shape, and
    /// scalars, are left unchanged. Shapes recorded for intermediate values (<c>value_info</c>, which the IR
    /// specification makes optional hints) are removed, element types kept: a stale fixed batch size there would
    /// otherwise be propagated to the outputs by the runtime's shape inference.
    /// </summary>
    public OnnxGraphEditor SetBatchDimension(string symbol = "N")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        foreach (var value in Graph.Input.Concat(Graph.Output))
        {
            var shape = value.Type?.TensorType?.Shape;
            if (shape is null || shape.Dim.Count == 0)
            {
                continue;
            }

            var first = shape.Dim[0];
            var denotation = first.HasDenotation ? first.Denotation : null;
            first.ClearValue();
            first.DimParam = symbol;
            if (denotation is not null)
            {
                first.Denotation = denotation;
            }
        }

        foreach (var value in Graph.ValueInfo)
        {
            if (value.Type?.TensorType is { } tensor)
            {
                tensor.Shape = null;
            }
        }

        return this;
    }

    /// <summary>Sets model-level metadata <paramref name="key"/> to <paramref name="value"/>, replacing an earlier value.</summary>
    public OnnxGraphEditor SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var existing = Model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (existing is null)
        {
            Model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        else
        {
            existing.Value = value;
        }

        return this;
    }

    /// <summary>Model-level metadata as a dictionary (the last entry wins if a key repeats).</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in Model.MetadataProps)
            {
                result[entry.Key] = entry.Value;
            }

            return result;
        }
    }

    private void RenameValue(string from, string to)
    {
        ArgumentException.ThrowIfNullOrEmpty(to);
        if (from == to)
        {
            return;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        CollectNames(Graph, used);
        if (used.Contains(to))
        {
            throw new ArgumentException($"The name '{to}' is already used in the graph.", nameof(to));
        }

        RenameIn(Graph, from, to);
    }

    private static void RenameIn(GraphProto graph, string from, string to)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            if (value.Name == from)
            {
                value.Name = to;
            }
        }

        foreach (var tensor in graph.Initializer)
        {
            if (tensor.Name == from)
            {
                tensor.Name = to;
            }
        }

        foreach (var node in graph.Node)
        {
            Replace(node.Input, from, to);
            Replace(node.Output, from, to);
            foreach (var subgraph in Subgraphs(node))
            {
                RenameIn(subgraph, from, to);
            }
        }
    }

    private static void Replace(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from)
            {
                names[i] = to;
            }
        }
    }

    private static void CollectNames(GraphProto graph, HashSet<string> names)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            names.Add(value.Name);
        }

        foreach (var tensor in graph.Initializer)
        {
            names.Add(tensor.Name);
        }

        foreach (var node in graph.Node)
        {
            names.UnionWith(node.Input);
            names.UnionWith(node.Output);
            foreach (var subgraph in Subgraphs(node))
            {
                CollectNames(subgraph, names);
            }
        }
    }

    private void RemoveUnusedParts()
    {
        var live = new HashSet<string>(Graph.Output.Select(v => v.Name), StringComparer.Ordinal);
        var keptNodes = new List<NodeProto>(Graph.Node.Count);

        // Nodes are topologically sorted, so one backward pass sees every consumer before its producer.
        for (var i = Graph.Node.Count - 1; i >= 0; i--)
        {
            var node = Graph.Node[i];
            if (!node.Output.Any(live.Contains))
            {
                continue;
            }

            keptNodes.Add(node);
            live.UnionWith(node.Input.Where(n => n.Length > 0));

            // A subgraph may read values of this graph directly; over-approximating with every name it reads is safe
            // because subgraph-local names cannot shadow outer ones.
            foreach (var subgraph in Subgraphs(node))
            {
                CollectNodeInputs(subgraph, live);
            }
        }

        keptNodes.Reverse();
        Graph.Node.Clear();
        Graph.Node.AddRange(keptNodes);

        var inputNames = Graph.Input.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

        // An initializer that is also a graph input is a default the caller may override: part of the interface.
        var initializers = Graph.Initializer.Where(t => live.Contains(t.Name) || inputNames.Contains(t.Name)).ToList();
        Graph.Initializer.Clear();
        Graph.Initializer.AddRange(initializers);

        var valueInfo = Graph.ValueInfo.Where(v => live.Contains(v.Name)).ToList();
        Graph.ValueInfo.Clear();
        Graph.ValueInfo.AddRange(valueInfo);
    }

    private static void CollectNodeInputs(GraphProto graph, HashSet<string> names)
    {
        foreach (var node in graph.Node)
        {
            names.UnionWith(node.Input.Where(n => n.Length > 0));
            foreach (var subgraph in Subgraphs(node))
            {
                CollectNodeInputs(subgraph, names);
            }
        }
    }

    private static IEnumerable<GraphProto> Subgraphs(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            if (attribute.G is not null)
            {
                yield return attribute.G;
            }

            foreach (var graph in attribute.Graphs)
            {
                yield return graph;
            }
        }
    }
}
