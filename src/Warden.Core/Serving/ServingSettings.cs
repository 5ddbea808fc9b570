namespace Warden.Core.Serving;

/// <summary>
/// How a deployment is executed (settings kind <c>serving</c>): ONNX Runtime session settings and dynamic batching. Without
/// the document every version runs with the server-wide <c>Warden:Onnx</c> settings, one session, no batching.
/// </summary>
public sealed class ServingSettings
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "serving";

    /// <summary>ONNX Runtime session settings for every version of the model; null keeps the server-wide ones.</summary>
    public SessionSettings? Session { get; set; }

    /// <summary>Dynamic batching for every version of the model; null (the default) runs each request on its own.</summary>
    public DynamicBatchingSettings? DynamicBatching { get; set; }

    /// <summary>Every problem with the document (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Session?.Validate(problems);
        DynamicBatching?.Validate(problems);
        return problems;
    }
}
