namespace Warden.Core.Bundles;

/// <summary>A bundle that passed every check, with its model decrypted.</summary>
/// <param name="Manifest">The signed manifest.</param>
/// <param name="SignerKeyId">Key id of the signer.</param>
/// <param name="Model">The plaintext ONNX model.</param>
/// <param name="Parts">Every part by path, as stored (the model part possibly encrypted).</param>
public sealed record VerifiedBundle(BundleManifest Manifest, string SignerKeyId, byte[] Model, IReadOnlyDictionary<string, byte[]> Parts)
{
    /// <summary>A part's bytes, or null when the bundle has no such part.</summary>
    public byte[]? Part(string path) => Parts.GetValueOrDefault(path);

    /// <summary>The bundle's serving policies and settings documents (<c>policies.json</c>).</summary>
    public BundlePolicies Policies { get; init; } = new();
}
