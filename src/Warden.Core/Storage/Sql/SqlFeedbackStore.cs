using Warden.Core.Feedback;
using Warden.Core.Privacy;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IFeedbackStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlFeedbackStore(SqlDatabase database, PayloadCipher? cipher = null) : IFeedbackStore
{
    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    public async Task UpsertAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
        {
            await using var command = Command(connection, transaction,
                """
                INSERT INTO feedback (model, prediction_id, label, source, actor, time, owner_key) VALUES (@model, @id, @label, @source, @actor, @time, @owner)
                ON CONFLICT (model, owner_key, prediction_id) DO UPDATE SET label = excluded.label, source = excluded.source, actor = excluded.actor, time = excluded.time
                """,
                ("model", r.Model), ("id", r.PredictionId), ("label", r.Label), ("source", r.Source), ("actor", r.Actor), ("time", ToMs(r.Time)),
                ("owner", r.OwnerKey));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (r.OwnerKey.Length > 0)
            {
                // An early label (given before the prediction was logged) is superseded by one for the known owner.
                await using var early = Command(connection, transaction, "DELETE FROM feedback WHERE model = @model AND prediction_id = @id AND owner_key = ''",
                    ("model", r.Model), ("id", r.PredictionId));
                await early.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindLoggedAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        (await FindOwnersAsync(model, ids, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindOwnersAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(500))
        {
            var parameters = new List<(string, object?)> { ("model", model) };
            var sql = "SELECT DISTINCT id, key_id FROM predictions WHERE model = @model AND id IN " + InList("p", chunk, parameters);
            await using var command = Command(connection, sql, [.. parameters]);
            foreach (var (id, owner) in await ReadAllAsync(command, r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
            {
                if (!found.TryGetValue(id, out var owners))
                {
                    found[id] = owners = [];
                }

                owners.Add(owner);
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<LabeledPrediction>> QueryLabeledAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT p.seq, p.id, p.time, p.model, p.version, p.key_id, p.purpose, p.inputs, p.outputs, p.sensitive, p.latency_ms, p.payload_key, f.label, f.source
            FROM predictions p JOIN feedback f ON f.model = p.model AND f.prediction_id = p.id AND (f.owner_key = p.key_id OR f.owner_key = '')
            WHERE p.model = @model AND p.time >= @since ORDER BY p.seq LIMIT @limit
            """,
            ("model", model), ("since", since is null ? 0L : ToMs(since.Value)), ("limit", limit));
        return await ReadAllAsync(command, r => new LabeledPrediction(SqlPredictionStore.Read(r, _cipher), r.GetString(12), r.GetString(13)), cancellationToken)
            .ConfigureAwait(false);
    }
}
