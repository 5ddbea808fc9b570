using Warden.Core.Bundles;
using Warden.Core.Inference;
using Warden.Core.Registry;

namespace Warden.Edge;

/// <summary>
/// A model served on the device: its ONNX Runtime session, the bundle it came from, the registry-shaped record the shared
/// inference path and its interceptors read (signature and card from the bundle), and the bundle's serving policies.
/// </summary>
public sealed record EdgeModel(LoadedModel Loaded, BundleManifest Manifest, ModelVersionRecord Record, BundlePolicies Policies);
