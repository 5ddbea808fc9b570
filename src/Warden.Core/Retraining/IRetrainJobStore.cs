namespace Warden.Core.Retraining;

/// <summary>Persistence of retraining jobs and their log lines.</summary>
public interface IRetrainJobStore
{
    /// <summary>Stores a new job (its id is assigned) and returns it.</summary>
    Task<RetrainJob> AddAsync(RetrainJob job, CancellationToken cancellationToken = default);

    /// <summary>Overwrites the mutable fields of a job.</summary>
    Task UpdateAsync(RetrainJob job, CancellationToken cancellationToken = default);

    /// <summary>One job, or null.</summary>
    Task<RetrainJob?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Jobs newest first, optionally of one model and of the given statuses.</summary>
    Task<IReadOnlyList<RetrainJob>> ListAsync(string? model, IReadOnlyCollection<string>? statuses, int limit, CancellationToken cancellationToken = default);

    /// <summary>Appends a log line.</summary>
    Task AppendLogAsync(RetrainLogLine line, CancellationToken cancellationToken = default);

    /// <summary>A job's log lines in order.</summary>
    Task<IReadOnlyList<RetrainLogLine>> LogsAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Feedback rows of <paramref name="model"/> received at or after <paramref name="since"/> (all when null).</summary>
    Task<int> CountFeedbackAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default);
}
