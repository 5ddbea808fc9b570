namespace Warden.Core.Onnx.Quantization;

/// <summary>One node whose weight was quantised, or that was left in float32 and why.</summary>
/// <param name="Name">Node name (or its first output when unnamed).</param>
/// <param name="OpType">Operator type before the rewrite.</param>
/// <param name="Weight">Initializer holding the weight.</param>
/// <param name="Quantized">True when the weight is now int8.</param>
/// <param name="Reason">Why the node was left as it was; null when quantised.</param>
public sealed record QuantizedNode(string Name, string OpType, string Weight, bool Quantized, string? Reason);
