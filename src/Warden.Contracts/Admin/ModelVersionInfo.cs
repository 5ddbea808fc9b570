using Warden.Contracts.Registry;
using Warden.Contracts.V2;

namespace Warden.Contracts.Admin;

/// <summary>One immutable version of a registered model.</summary>
public sealed class ModelVersionInfo
{
    /// <summary>Model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version label (a positive integer as text).</summary>
    public string Version { get; set; } = "";

    /// <summary><c>model</c> (an ONNX file) or <c>pipeline</c> (a pipeline document calling registered models).</summary>
    public string Kind { get; set; } = "model";

    /// <summary><c>staging</c>, <c>production</c> or <c>archived</c>.</summary>
    public string Stage { get; set; } = "";

    /// <summary>SHA-256 of the artifact (ONNX file, or canonical pipeline JSON), lower-case hex.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Size of the artifact in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>Key id of whoever deployed it.</summary>
    public string DeployedBy { get; set; } = "";

    /// <summary>When it was deployed.</summary>
    public DateTimeOffset DeployedAt { get; set; }

    /// <summary>Input signature read from the ONNX file.</summary>
    public List<TensorMetadata> Inputs { get; set; } = [];

    /// <summary>Output signature read from the ONNX file.</summary>
    public List<TensorMetadata> Outputs { get; set; } = [];

    /// <summary>The model card.</summary>
    public ModelCard Card { get; set; } = new();
}
