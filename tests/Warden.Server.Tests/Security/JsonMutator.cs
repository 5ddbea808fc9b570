using System.Globalization;
using System.Text.Json.Nodes;

namespace Warden.Server.Tests.Security;

/// <summary>
/// One seeded structural mutation of a JSON document: a value swapped for a hostile one of another type, a property
/// removed, an array emptied or blown up, a property added. Shared by the mutation and OpenAPI fuzz campaigns.
/// </summary>
internal static class JsonMutator
{
    /// <summary>Applies one mutation at a random node of <paramref name="root"/>; returns the (possibly replaced) root.</summary>
    public static JsonNode? Mutate(JsonNode? root, Random random, IReadOnlyList<JsonNode?> hostile)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0 || random.Next(40) == 0)
        {
            return Pick(random, hostile);
        }

        var target = nodes[random.Next(nodes.Count)];
        switch (random.Next(5))
        {
            case 0 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case 1 when target is JsonArray array:
                if (random.Next(2) == 0)
                {
                    array.Clear();
                }
                else
                {
                    var copies = array.Select(e => e?.DeepClone()).ToList();
                    for (var k = 0; k < 200 && copies.Count > 0; k++)
                    {
                        array.Add(copies[k % copies.Count]?.DeepClone());
                    }
                }

                break;
            case 2 when target is JsonObject obj:
                obj[random.Next(3) == 0 ? "" : "extra" + random.Next(100).ToString(CultureInfo.InvariantCulture)] = Pick(random, hostile);
                break;
            default:
                if (target.Parent is null)
                {
                    return Pick(random, hostile);
                }

                target.ReplaceWith(Pick(random, hostile));
                break;
        }

        return root;
    }

    /// <summary>Every node of the document, root first.</summary>
    public static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Collect(child, nodes);
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Collect(child, nodes);
                }

                break;
        }
    }

    private static JsonNode? Pick(Random random, IReadOnlyList<JsonNode?> hostile) => hostile[random.Next(hostile.Count)]?.DeepClone();
}
