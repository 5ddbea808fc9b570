namespace Warden.Core.Registry;

/// <summary>What a registry version holds. A name holds versions of one kind only.</summary>
public static class ModelKinds
{
    /// <summary>An ONNX model run by ONNX Runtime.</summary>
    public const string Model = "model";

    /// <summary>A pipeline document (canonical JSON) whose steps call registered models.</summary>
    public const string Pipeline = "pipeline";
}
