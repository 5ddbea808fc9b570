using System.Text.Json.Serialization;

namespace Warden.Core.Tensors;

/// <summary>Declared name, datatype and shape of a model input or output; <c>-1</c> marks a variable dimension.</summary>
public sealed record TensorSpec(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("datatype")] TensorDatatype Datatype,
    [property: JsonPropertyName("shape")] long[] Shape)
{
    /// <summary>Shape as text, e.g. <c>[-1, 1]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
