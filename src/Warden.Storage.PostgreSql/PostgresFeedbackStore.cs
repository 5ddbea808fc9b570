using Warden.Core.Feedback;
using Warden.Core.Privacy;
using Warden.Core.Storage;
using static Warden.Storage.PostgreSql.PostgresValues;

namespace Warden.Storage.PostgreSql;

/// <summary>PostgreSQL implementation of <see cref="IFeedbackStore"/>.</summary>
public sealed class PostgresFeedbackStore(PostgresDatabase database, PayloadCipher? cipher = null) : IFeedbackStore
{
    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    public async Task UpsertAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
        {
            await using var command = Command(connection, transaction,
                """
                INSERT INTO feedback (model, prediction_id, label, source, actor, time) VALUES (@model, @id, @label, @source, @actor, @time)
                ON CONFLICT (model, prediction_id) DO UPDATE SET label = excluded.label, source = excluded.source, actor = excluded.actor, time = excluded.time
                """,
                ("model", r.Model), ("id", r.PredictionId), ("label", r.Label), ("source", r.Source), ("actor", r.Actor), ("time", ToMs(r.Time)));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindLoggedAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        (await FindOwnersAsync(model, ids, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindOwnersAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT DISTINCT id, key_id FROM predictions WHERE model = @model AND id = ANY(@ids)",
            ("model", model), ("ids", ids.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (!found.TryGetValue(id, out var owners))
            {
                found[id] = owners = [];
            }

            owners.Add(reader.GetString(1));
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<LabeledPrediction>> QueryLabeledAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT p.seq, p.id, p.time, p.model, p.version, p.key_id, p.purpose, p.inputs, p.outputs, p.sensitive, p.latency_ms, p.payload_key, f.label, f.source
            FROM predictions p JOIN feedback f ON f.model = p.model AND f.prediction_id = p.id
            WHERE p.model = @model AND p.time >= @since ORDER BY p.seq LIMIT @limit
            """,
            ("model", model), ("since", since is null ? 0L : ToMs(since.Value)), ("limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<LabeledPrediction>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new LabeledPrediction(PostgresPredictionStore.Read(reader, _cipher), reader.GetString(12), reader.GetString(13)));
        }

        return result;
    }
}
