using Warden.Core.Bundles;
using Warden.Core.Inference;

namespace Warden.Edge;

/// <summary>A model served on the device: its ONNX Runtime session and the bundle it came from.</summary>
public sealed record EdgeModel(LoadedModel Loaded, BundleManifest Manifest);
