using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx.Quantization;

/// <summary>Hands out value and node names not yet used anywhere in a graph.</summary>
internal sealed class GraphNames
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public GraphNames(GraphProto graph)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            _used.Add(value.Name);
        }

        foreach (var tensor in graph.Initializer)
        {
            _used.Add(tensor.Name);
        }

        foreach (var node in graph.Node)
        {
            _used.UnionWith(node.Input);
            _used.UnionWith(node.Output);
            _used.Add(node.Name);
        }
    }

    public string Fresh(string stem)
    {
        var name = stem;
        for (var i = 1; !_used.Add(name); i++)
        {
            name = stem + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }
}
