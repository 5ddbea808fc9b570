using Warden.Core.Drift;

namespace Warden.Core.Storage;

/// <summary>Persisted drift evaluations, for drift over time.</summary>
public interface IDriftHistoryStore
{
    /// <summary>Stores an evaluation and returns it with its id.</summary>
    Task<DriftEvaluation> AppendAsync(DriftEvaluation evaluation, CancellationToken cancellationToken = default);

    /// <summary>A model's evaluations since <paramref name="since"/> (all when null), oldest first, at most <paramref name="limit"/> (the newest).</summary>
    Task<IReadOnlyList<DriftEvaluation>> QueryAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);
}
