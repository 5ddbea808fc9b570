using Warden.Core.Registry;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// The state of one inference as it passes through <see cref="InferenceInterceptor"/>s: who asks, for what, which version
/// answers, the bound inputs, the outputs, and what the response should carry beyond the protocol's fields.
/// </summary>
public sealed class InferenceContext
{
    private Dictionary<string, object?>? _responseParameters;
    private Dictionary<string, object?>? _items;
    private Dictionary<string, string>? _responseHeaders;
    private List<IDisposable>? _disposables;
    private HashSet<string>? _additionalOutputs;

    internal InferenceContext(InferenceCall call, string id, string? purpose, IReadOnlyDictionary<string, string>? sensitive, bool isExplanation = false)
    {
        IsExplanation = isExplanation;
        Call = call;
        Id = id;
        Purpose = purpose;
        Sensitive = sensitive;
        Version = call.Version;
    }

    /// <summary>True when the call asks for an explanation (<c>/explain</c>) rather than a prediction.</summary>
    public bool IsExplanation { get; }

    /// <summary>The call as the transport made it.</summary>
    public InferenceCall Call { get; }

    /// <summary>Model name.</summary>
    public string Model => Call.Model;

    /// <summary>The step running now (an interceptor's name, <c>bind</c>, <c>run</c> …): the reason recorded when it refuses.</summary>
    internal string Stage { get; set; } = "access";

    /// <summary>Version to run: the caller's, or one an interceptor chose (canary routing); null means production.</summary>
    public string? Version { get; set; }

    /// <summary>Request id returned to the caller and used by feedback.</summary>
    public string Id { get; }

    /// <summary>Declared purpose, from <c>parameters.purpose</c> or the <c>X-Warden-Purpose</c> header.</summary>
    /// <remarks>A usage policy may fill in the key's default purpose; the prediction log records the effective one.</remarks>
    public string? Purpose { get; set; }

    /// <summary>Sensitive attributes from <c>parameters["sensitive.*"]</c>; recorded, never fed to the model.</summary>
    public IReadOnlyDictionary<string, string>? Sensitive { get; }

    /// <summary>The version record that answers (set once resolved).</summary>
    public ModelVersionRecord? Record { get; internal set; }

    /// <summary>The model's signature (set once resolved).</summary>
    public ModelSignature? Signature { get; internal set; }

    /// <summary>Inputs bound to the signature (set before the model runs).</summary>
    public NamedTensor[]? Inputs { get; internal set; }

    /// <summary>Outputs; interceptors may replace them (output policies, post-processing).</summary>
    public NamedTensor[]? Outputs { get; set; }

    /// <summary>HTTP status of the answer; 200 unless an interceptor holds the prediction (202).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>True once any response parameter was added.</summary>
    public bool HasResponseParameters => _responseParameters is { Count: > 0 };

    /// <summary>Extra <c>parameters</c> of the response (only opt-in features add any).</summary>
    public Dictionary<string, object?> ResponseParameters => _responseParameters ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>True once any response header was added.</summary>
    public bool HasResponseHeaders => _responseHeaders is { Count: > 0 };

    /// <summary>Extra HTTP headers of the answer (rate-limit state); only opt-in features add any.</summary>
    public Dictionary<string, string> ResponseHeaders => _responseHeaders ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Releases <paramref name="resource"/> when the call ends, however it ends (concurrency leases).</summary>
    public void RegisterForDispose(IDisposable resource) => (_disposables ??= []).Add(resource);

    /// <summary>
    /// Outputs an interceptor needs computed although the request did not ask for them (a label decided from the score):
    /// added in <c>OnInputs</c>, computed with the requested ones, visible to <c>OnOutputs</c>, and left out of the response.
    /// </summary>
    public HashSet<string> AdditionalOutputs => _additionalOutputs ??= new HashSet<string>(StringComparer.Ordinal);

    internal bool HasAdditionalOutputs => _additionalOutputs is { Count: > 0 };

    /// <summary>Scratch space for interceptors to pass data between their hooks.</summary>
    public Dictionary<string, object?> Items => _items ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Reads an <see cref="Items"/> entry without creating the dictionary (most requests never need one).</summary>
    public bool TryGetItem(string key, out object? value)
    {
        if (_items is null)
        {
            value = null;
            return false;
        }

        return _items.TryGetValue(key, out value);
    }

    internal void DisposeResources()
    {
        if (_disposables is null)
        {
            return;
        }

        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            _disposables[i].Dispose();
        }

        _disposables = null;
    }
}
