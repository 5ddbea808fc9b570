using System.ComponentModel.DataAnnotations;

namespace Warden.Core.Inference;

/// <summary>ONNX Runtime session settings (<c>Warden:Onnx</c>).</summary>
public sealed class OnnxOptions
{
    /// <summary>Threads inside one operator. Default 1: with small tabular models and many concurrent callers,
    /// parallelism across requests beats parallelism inside one request on a small machine.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads across independent operators. Default 1.</summary>
    [Range(0, 256)]
    public int InterOpThreads { get; set; } = 1;
}
