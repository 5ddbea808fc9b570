namespace Warden.Core.Bundles;

/// <summary>What goes into a bundle besides its manifest and signature.</summary>
public sealed class BundleContents
{
    /// <summary>The ONNX model (plaintext; encrypted by the packer when asked).</summary>
    public required byte[] Model { get; init; }

    /// <summary>The model card (JSON).</summary>
    public required byte[] Card { get; init; }

    /// <summary>The model's input/output signature (JSON, as the registry stores it).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>Serving policies for the edge agent (JSON).</summary>
    public required byte[] Policies { get; init; }

    /// <summary>Reference or background data, by file name; stored under <c>reference/</c>.</summary>
    public IReadOnlyDictionary<string, byte[]> Reference { get; init; } = new Dictionary<string, byte[]>();
}
