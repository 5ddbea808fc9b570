namespace Warden.Contracts.Context;

/// <summary>An explanation computed in the background (<c>POST /v2/models/{m}/explain?async=true</c>).</summary>
public sealed class ExplanationJobInfo
{
    /// <summary>Job id; poll <c>GET /api/explanations/{id}</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Model explained.</summary>
    public string Model { get; set; } = "";

    /// <summary>Version asked for (the production version when null).</summary>
    public string? Version { get; set; }

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "";

    /// <summary>When the job was accepted.</summary>
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>HTTP status the synchronous call would have answered when the job failed (400, 404, 500).</summary>
    public int? ErrorStatus { get; set; }

    /// <summary>Why the job failed.</summary>
    public string? Error { get; set; }

    /// <summary>The explanation, once succeeded.</summary>
    public ExplanationResponse? Result { get; set; }
}
