using System.Text;
using Warden.Core;
using Warden.Core.Bundles;
using Warden.Core.Inference;
using Warden.Core.Onnx.Quantization;
using Warden.Core.Pipelines;
using Warden.Core.Registry;

namespace Warden.Edge;

/// <summary>
/// The models the device serves, as the <see cref="IModelCatalog"/> of its <see cref="InferenceService"/>. A new bundle's
/// session is created before it replaces the old one in an immutable snapshot swapped in one step, so a request sees either
/// the old bundle or the new one, never neither; the old session is disposed when its last request finishes
/// (<see cref="LoadedModel.Retire"/>).
/// </summary>
public sealed class EdgeModelSet : IModelCatalog, IDisposable
{
    private readonly Lock _lock = new();
    private volatile Dictionary<string, EdgeModel> _snapshot = new(StringComparer.Ordinal);

    /// <summary>Current models by name.</summary>
    public IReadOnlyDictionary<string, EdgeModel> Models => _snapshot;

    /// <summary>Loads a verified bundle and makes it the one serving its model.</summary>
    public EdgeModel Activate(VerifiedBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);

        // Weight-only int8 models are expanded to float here, so the session runs plain float32 kernels.
        var onnx = WeightDequantizer.Expand(bundle.Model);
        var manifest = bundle.Manifest;
        var loaded = LoadedModel.Load(manifest.Model, manifest.Version, onnx, new OnnxOptions());
        var record = new ModelVersionRecord(
            manifest.Model, manifest.Version, manifest.ModelSha256, bundle.Model.LongLength, ModelStages.Production, "bundle:" + bundle.SignerKeyId,
            manifest.CreatedAt, VersionSignature.From(loaded.Signature).ToJson(), Text(bundle.Part(BundleNames.Card)) ?? "{}");
        var served = new EdgeModel(loaded, manifest, record, bundle.Policies);
        EdgeModel? previous;
        lock (_lock)
        {
            var next = new Dictionary<string, EdgeModel>(_snapshot, StringComparer.Ordinal);
            next.TryGetValue(manifest.Model, out previous);
            next[manifest.Model] = served;
            _snapshot = next;
        }

        previous?.Loaded.Retire();
        return served;
    }

    /// <summary>Stops serving <paramref name="model"/>; false when it was not served.</summary>
    public bool Remove(string model)
    {
        EdgeModel? previous;
        lock (_lock)
        {
            var next = new Dictionary<string, EdgeModel>(_snapshot, StringComparer.Ordinal);
            if (!next.Remove(model, out previous))
            {
                return false;
            }

            _snapshot = next;
        }

        previous.Loaded.Retire();
        return true;
    }

    /// <inheritdoc />
    public ModelLease Acquire(string model, string? version)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var served = Find(model, version);
            if (served.Loaded.TryAcquire())
            {
                return new ModelLease(served.Loaded, served.Record);
            }

            // Swapped for a newer bundle between lookup and acquire: read the new snapshot.
        }

        throw new WardenException(503, $"model '{model}' is being reloaded; retry");
    }

    /// <summary>Bundles carry single models; pipelines stay on the server.</summary>
    public PipelineDeployment? FindPipeline(string model, string? version) => null;

    /// <inheritdoc />
    public ModelVersionRecord? FindRecord(string model, string? version) =>
        _snapshot.TryGetValue(model, out var served) && (version is null || version == served.Manifest.Version) ? served.Record : null;

    /// <inheritdoc />
    public string Label(string model) => _snapshot.ContainsKey(model) ? model : ModelRegistry.UnregisteredLabel;

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var model in _snapshot.Values)
            {
                model.Loaded.Retire();
            }

            _snapshot = new Dictionary<string, EdgeModel>(StringComparer.Ordinal);
        }
    }

    private EdgeModel Find(string model, string? version)
    {
        if (!_snapshot.TryGetValue(model, out var served))
        {
            throw WardenException.NotFound($"model '{model}' is not on this device");
        }

        return version is null || version == served.Manifest.Version
            ? served
            : throw WardenException.NotFound($"version '{version}' of model '{model}' is not on this device (it serves {served.Manifest.Version})");
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}
