namespace Warden.Core.Onnx.Quantization;

/// <summary>How a model's weights are quantised to int8.</summary>
public enum QuantizationMode
{
    /// <summary>
    /// Weights stored as int8; activations quantised to uint8 at run time with <c>DynamicQuantizeLinear</c>, and the
    /// products computed in integers (<c>MatMulInteger</c>, <c>ConvInteger</c>), as ONNX Runtime's dynamic quantisation does.
    /// </summary>
    Dynamic,

    /// <summary>Weights stored as int8 and turned back into float32 by <c>DequantizeLinear</c> when the model loads; arithmetic stays float32.</summary>
    WeightOnly,
}
