using Warden.Core.Onnx.Proto;

namespace Warden.Core.Onnx;

/// <summary>
/// The declared type of one graph input or output: its name, tensor element type and shape, with each dimension
/// written as its fixed size (<c>"1"</c>), its symbolic name (<c>"N"</c>) or <c>"?"</c> when the model leaves it open.
/// </summary>
/// <param name="Name">Value name in the graph.</param>
/// <param name="ElementType">Tensor element type; <see cref="TensorProto.Types.DataType.Undefined"/> for non-tensor values.</param>
/// <param name="Shape">Dimensions; empty for scalars and for values whose shape the model does not declare.</param>
public sealed record OnnxValueSignature(string Name, TensorProto.Types.DataType ElementType, IReadOnlyList<string> Shape)
{
    /// <summary>Reads the signature of a <see cref="ValueInfoProto"/>.</summary>
    public static OnnxValueSignature From(ValueInfoProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var tensor = value.Type?.TensorType;
        if (tensor is null)
        {
            return new OnnxValueSignature(value.Name, TensorProto.Types.DataType.Undefined, []);
        }

        var shape = tensor.Shape?.Dim.Select(Describe).ToArray() ?? [];
        return new OnnxValueSignature(value.Name, (TensorProto.Types.DataType)tensor.ElemType, shape);
    }

    /// <summary>Shape written as <c>[N,1]</c>.</summary>
    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    private static string Describe(TensorShapeProto.Types.Dimension dim) => dim.ValueCase switch
    {
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => dim.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => dim.DimParam,
        _ => "?",
    };
}
