namespace Warden.Core.Onnx.Quantization;

/// <summary>Settings of <see cref="ModelQuantizer"/>.</summary>
public sealed record QuantizationOptions
{
    /// <summary>Dynamic (integer arithmetic) or weight-only quantisation.</summary>
    public QuantizationMode Mode { get; init; } = QuantizationMode.Dynamic;

    /// <summary>One scale per tensor or per output channel.</summary>
    public WeightGranularity Granularity { get; init; } = WeightGranularity.PerChannel;

    /// <summary>
    /// Rewrites single-target <c>ai.onnx.ml.LinearRegressor</c> nodes (as ML.NET exports linear models) into
    /// <c>MatMul</c> + <c>Add</c> first, so that their coefficients are quantised too. ONNX Runtime's own tool leaves
    /// them as float.
    /// </summary>
    public bool LowerLinearRegressors { get; init; }

    /// <summary>Operator types whose weights are quantised; a subset of MatMul, Gemm and Conv.</summary>
    public IReadOnlySet<string> OpTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "MatMul", "Gemm", "Conv" };
}
