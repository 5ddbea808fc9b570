using System.Text;
using Warden.Core.Inference;
using Warden.Core.Registry;

namespace Warden.Core.Bundles;

/// <summary>
/// Builds <see cref="BundleContents"/> from a model version directory of a Triton-style repository
/// (<c>model.onnx</c>, optional <c>card.json</c>, <c>policies.json</c> and <c>*.csv</c> reference data such as
/// <c>background.csv</c>), or from model bytes and a card fetched elsewhere.
/// </summary>
public static class ModelDirectoryBundle
{
    /// <summary>Policies written when the model directory has none: serve locally, fall back to the server, log predictions.</summary>
    public const string DefaultPolicies = """{"fallback_to_server":true,"prediction_log":true}""";

    /// <summary>Reads <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">The directory has no <c>model.onnx</c>.</exception>
    public static BundleContents Read(string directory, string model)
    {
        var onnxPath = Path.Combine(directory, "model.onnx");
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"no model.onnx in '{directory}'", onnxPath);
        }

        var cardPath = Path.Combine(directory, "card.json");
        var policiesPath = Path.Combine(directory, "policies.json");
        var reference = Directory.GetFiles(directory, "*.csv")
            .Where(f => BundleNames.IsValidReferenceName(Path.GetFileName(f)))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
        return Create(
            File.ReadAllBytes(onnxPath),
            File.Exists(cardPath) ? File.ReadAllBytes(cardPath) : Encoding.UTF8.GetBytes($$"""{"name":"{{model}}"}"""),
            File.Exists(policiesPath) ? File.ReadAllBytes(policiesPath) : null,
            reference);
    }

    /// <summary>Assembles contents; the signature is read from the model by ONNX Runtime, as the registry does on deploy.</summary>
    public static BundleContents Create(byte[] onnx, byte[] card, byte[]? policies, IReadOnlyDictionary<string, byte[]>? reference = null)
    {
        var loaded = LoadedModel.Load("bundle", "0", onnx, new OnnxOptions());
        string signature;
        try
        {
            signature = VersionSignature.From(loaded.Signature).ToJson();
        }
        finally
        {
            loaded.Retire();
        }

        return new BundleContents
        {
            Model = onnx,
            Card = card,
            Signature = Encoding.UTF8.GetBytes(signature),
            Policies = policies ?? Encoding.UTF8.GetBytes(DefaultPolicies),
            Reference = reference ?? new Dictionary<string, byte[]>(),
        };
    }

    /// <summary>The same contents with another <c>policies.json</c>.</summary>
    public static BundleContents WithPolicies(BundleContents contents, byte[] policies)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return new BundleContents { Model = contents.Model, Card = contents.Card, Signature = contents.Signature, Policies = policies, Reference = contents.Reference };
    }

    /// <summary>The same contents with another model (e.g. its quantised form).</summary>
    public static BundleContents WithModel(BundleContents contents, byte[] onnx)
    {
        ArgumentNullException.ThrowIfNull(contents);
        return new BundleContents { Model = onnx, Card = contents.Card, Signature = contents.Signature, Policies = contents.Policies, Reference = contents.Reference };
    }
}
