namespace Warden.Core.Bundles;

/// <summary>Fixed entry names of a bundle.</summary>
public static class BundleNames
{
    public const string Manifest = "manifest.json";
    public const string ManifestSignature = "manifest.sig.json";
    public const string Model = "model.onnx";
    public const string EncryptedModel = "model.onnx.enc";
    public const string Card = "card.json";
    public const string Signature = "signature.json";
    public const string Policies = "policies.json";
    public const string ReferencePrefix = "reference/";

    /// <summary>True for a safe reference file name: 1–100 characters of letters, digits, '.', '_' and '-', not starting with '.'.</summary>
    public static bool IsValidReferenceName(string? name) =>
        name is { Length: > 0 and <= 100 } && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
