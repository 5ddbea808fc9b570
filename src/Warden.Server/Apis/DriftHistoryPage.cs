using Warden.Core.Drift;

namespace Warden.Server.Apis;

/// <summary>Answer of <c>GET /api/models/{model}/drift/history</c>.</summary>
public sealed class DriftHistoryPage
{
    /// <summary>Stored evaluations, oldest first (the newest <c>limit</c> of the window).</summary>
    public IReadOnlyList<DriftEvaluation> Items { get; init; } = [];
}
