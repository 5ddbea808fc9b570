using Warden.Core.Abuse;

namespace Warden.Core.Storage;

/// <summary>Persistence of abuse alerts, so they survive restarts.</summary>
public interface IAbuseAlertStore
{
    /// <summary>Appends one alert.</summary>
    Task AppendAsync(ModelAbuseAlert alert, CancellationToken cancellationToken = default);

    /// <summary>Alerts detected at or after <paramref name="since"/> (all when null), optionally of one model and/or key, newest first.</summary>
    Task<IReadOnlyList<ModelAbuseAlert>> QueryAsync(DateTimeOffset? since, string? model, string? keyId, int limit, CancellationToken cancellationToken = default);
}
