using System.Text;
using Microsoft.Data.Sqlite;
using Warden.Core.Feedback;
using Warden.Core.Predictions;
using Warden.Core.Privacy;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>SQLite implementation of <see cref="IFeedbackStore"/>.</summary>
public sealed class SqliteFeedbackStore(SqliteDatabase database, PayloadCipher? cipher = null) : IFeedbackStore
{
    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    public async Task UpsertAsync(IReadOnlyList<FeedbackRecord> records, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in records)
        {
            await using var command = Command(connection,
                """
                INSERT INTO feedback (model, prediction_id, label, source, actor, time, owner_key) VALUES ($model, $id, $label, $source, $actor, $time, $owner)
                ON CONFLICT (model, owner_key, prediction_id) DO UPDATE SET label = excluded.label, source = excluded.source, actor = excluded.actor, time = excluded.time
                """,
                ("$model", r.Model), ("$id", r.PredictionId), ("$label", r.Label), ("$source", r.Source), ("$actor", r.Actor), ("$time", ToMs(r.Time)),
                ("$owner", r.OwnerKey));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (r.OwnerKey.Length > 0)
            {
                // An early label (given before the prediction was logged) is superseded by one for the known owner.
                await using var early = Command(connection, "DELETE FROM feedback WHERE model = $model AND prediction_id = $id AND owner_key = ''",
                    ("$model", r.Model), ("$id", r.PredictionId));
                early.Transaction = transaction;
                await early.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindLoggedAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        (await FindOwnersAsync(model, ids, cancellationToken).ConfigureAwait(false)).Keys.ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindOwnersAsync(string model, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(500))
        {
            var sql = new StringBuilder("SELECT DISTINCT id, key_id FROM predictions WHERE model = $model AND id IN (");
            var parameters = new List<(string, object?)> { ("$model", model) };
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append("$p").Append(i);
                parameters.Add(("$p" + i, chunk[i]));
            }

            sql.Append(')');
            await using var command = Command(connection, sql.ToString(), parameters.ToArray());
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
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<LabeledPrediction>> QueryLabeledAsync(string model, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            SELECT p.seq, p.id, p.time, p.model, p.version, p.key_id, p.purpose, p.inputs, p.outputs, p.sensitive, p.latency_ms, p.payload_key, f.label, f.source
            FROM predictions p JOIN feedback f ON f.model = p.model AND f.prediction_id = p.id AND (f.owner_key = p.key_id OR f.owner_key = '')
            WHERE p.model = $model AND p.time >= $since ORDER BY p.seq LIMIT $limit
            """,
            ("$model", model), ("$since", since is null ? 0L : ToMs(since.Value)), ("$limit", limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<LabeledPrediction>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var prediction = SqlitePredictionStore.Read(reader, _cipher);
            result.Add(new LabeledPrediction(prediction, reader.GetString(12), reader.GetString(13)));
        }

        return result;
    }
}
