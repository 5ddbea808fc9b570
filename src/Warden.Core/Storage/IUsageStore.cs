using Warden.Core.Usage;

namespace Warden.Core.Storage;

/// <summary>Persisted hourly usage and refusal counts.</summary>
public interface IUsageStore
{
    /// <summary>Adds the counts to the stored rows of the same bucket, key, model and purpose.</summary>
    Task AddAsync(IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken = default);

    /// <summary>Rows since <paramref name="since"/> (bucket start ≥ the hour of <paramref name="since"/>), optionally for one key and/or model.</summary>
    Task<IReadOnlyList<UsageCount>> QueryAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Adds refusal counts to the stored rows of the same bucket, key, model, reason and status.</summary>
    Task AddRefusalsAsync(IReadOnlyList<RefusalCount> counts, CancellationToken cancellationToken = default);

    /// <summary>Refusal rows since <paramref name="since"/> (bucket start ≥ its hour), optionally for one key and/or model.</summary>
    Task<IReadOnlyList<RefusalCount>> QueryRefusalsAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default);
}
