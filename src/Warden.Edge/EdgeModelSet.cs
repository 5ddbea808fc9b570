using Warden.Core.Bundles;
using Warden.Core.Inference;
using Warden.Core.Onnx.Quantization;

namespace Warden.Edge;

/// <summary>
/// The models the device serves. A new bundle's session is created before it replaces the old one in an immutable
/// snapshot swapped in one step, so a request sees either the old bundle or the new one, never neither; the old session
/// is disposed when its last request finishes (<see cref="LoadedModel.Retire"/>).
/// </summary>
public sealed class EdgeModelSet : IDisposable
{
    private readonly Lock _lock = new();
    private volatile Dictionary<string, EdgeModel> _snapshot = new(StringComparer.Ordinal);

    /// <summary>Current models by name.</summary>
    public IReadOnlyDictionary<string, EdgeModel> Models => _snapshot;

    /// <summary>Loads a verified bundle and makes it the one serving its model.</summary>
    public void Activate(VerifiedBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);

        // Weight-only int8 models are expanded to float here, so the session runs plain float32 kernels.
        var onnx = WeightDequantizer.Expand(bundle.Model);
        var loaded = LoadedModel.Load(bundle.Manifest.Model, bundle.Manifest.Version, onnx, new OnnxOptions());
        EdgeModel? previous;
        lock (_lock)
        {
            var next = new Dictionary<string, EdgeModel>(_snapshot, StringComparer.Ordinal);
            next.TryGetValue(bundle.Manifest.Model, out previous);
            next[bundle.Manifest.Model] = new EdgeModel(loaded, bundle.Manifest);
            _snapshot = next;
        }

        previous?.Loaded.Retire();
    }

    /// <summary>Stops serving <paramref name="model"/>.</summary>
    public void Remove(string model)
    {
        EdgeModel? previous;
        lock (_lock)
        {
            var next = new Dictionary<string, EdgeModel>(_snapshot, StringComparer.Ordinal);
            if (!next.Remove(model, out previous))
            {
                return;
            }

            _snapshot = next;
        }

        previous.Loaded.Retire();
    }

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
}
