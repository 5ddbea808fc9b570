namespace Warden.Core.Onnx.Quantization;

/// <summary>What <see cref="ModelQuantizer"/> did to a model.</summary>
/// <param name="Mode">Quantisation mode.</param>
/// <param name="Granularity">Scale granularity.</param>
/// <param name="Nodes">Every candidate node, quantised or skipped.</param>
/// <param name="BytesBefore">Serialized size of the input model.</param>
/// <param name="BytesAfter">Serialized size of the quantised model.</param>
/// <param name="OpsetBefore">Default-domain opset of the input model.</param>
/// <param name="OpsetAfter">Default-domain opset of the output model.</param>
public sealed record QuantizationReport(
    QuantizationMode Mode,
    WeightGranularity Granularity,
    IReadOnlyList<QuantizedNode> Nodes,
    long BytesBefore,
    long BytesAfter,
    long OpsetBefore,
    long OpsetAfter)
{
    /// <summary>Number of nodes whose weights are int8.</summary>
    public int QuantizedCount => Nodes.Count(n => n.Quantized);

    /// <summary>Output size as a fraction of input size.</summary>
    public double SizeRatio => BytesBefore == 0 ? 1 : (double)BytesAfter / BytesBefore;
}
