using Warden.Core.Feedback;

namespace Warden.Core.Storage;

/// <summary>Persistence of ground-truth labels.</summary>
public interface IFeedbackStore
{
    /// <summary>Stores labels; a later label for the same prediction (model, owner key, id) replaces the earlier one.</summary>
    Task UpsertAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Of <paramref name="ids"/>, those that have a logged prediction of <paramref name="model"/>.</summary>
    Task<IReadOnlySet<string>> FindLoggedAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>For each of <paramref name="ids"/> with a logged prediction of <paramref name="model"/>, the keys that made one.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindOwnersAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Logged predictions of a model that have labels, oldest first.</summary>
    Task<IReadOnlyList<LabeledPrediction>> QueryLabeledAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default);
}
