using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;

namespace Warden.Core.Inference;

/// <summary>ONNX Runtime session settings (<c>Warden:Onnx</c>); a deployment's <c>serving</c> settings document overrides them.</summary>
public sealed class OnnxOptions
{
    /// <summary>Threads inside one operator. Default 1: with small tabular models and many concurrent callers,
    /// parallelism across requests beats parallelism inside one request on a small machine.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads across independent operators. Default 1.</summary>
    [Range(0, 256)]
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Graph optimisation level: none, basic, extended or all (default).</summary>
    [RegularExpression("^(none|basic|extended|all)$")]
    public string GraphOptimizationLevel { get; set; } = "all";

    /// <summary>True for a level name <see cref="ToOptimizationLevel"/> accepts.</summary>
    public static bool IsOptimizationLevel(string? level) => level is "none" or "basic" or "extended" or "all";

    /// <summary>The runtime's level for a name checked with <see cref="IsOptimizationLevel"/>.</summary>
    public static GraphOptimizationLevel ToOptimizationLevel(string level) => level switch
    {
        "none" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended" => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL,
    };
}
