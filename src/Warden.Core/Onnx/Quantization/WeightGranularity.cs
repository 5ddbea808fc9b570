namespace Warden.Core.Onnx.Quantization;

/// <summary>How many scales a quantised weight tensor gets.</summary>
public enum WeightGranularity
{
    /// <summary>One scale for the whole tensor.</summary>
    PerTensor,

    /// <summary>One scale per output channel: per column of a MatMul weight, per filter of a Conv weight.</summary>
    PerChannel,
}
