using System.Text.Json;

namespace Warden.Contracts.Admin;

/// <summary>One logged prediction.</summary>
public sealed class PredictionRecordInfo
{
    /// <summary>Request id.</summary>
    public string Id { get; set; } = "";

    /// <summary>When it was served.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>Model name.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version that answered.</summary>
    public string Version { get; set; } = "";

    /// <summary>Key id of the caller.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>Declared purpose, if any.</summary>
    public string? Purpose { get; set; }

    /// <summary>Inputs as stored.</summary>
    public JsonElement Inputs { get; set; }

    /// <summary>Outputs as returned.</summary>
    public JsonElement Outputs { get; set; }

    /// <summary>Sensitive attributes from the request parameters.</summary>
    public Dictionary<string, string> Sensitive { get; set; } = [];

    /// <summary>Server-side latency in milliseconds.</summary>
    public double LatencyMs { get; set; }
}
