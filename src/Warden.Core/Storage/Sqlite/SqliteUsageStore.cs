using Warden.Core.Usage;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Storage.Sqlite;

/// <summary>SQLite implementation of <see cref="IUsageStore"/> (table <c>usage_counts</c>, one row per hour × key × model × purpose).</summary>
public sealed class SqliteUsageStore(SqliteDatabase database) : IUsageStore
{
    public async Task AddAsync(IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var c in counts)
        {
            await using var command = Command(connection, """
                INSERT INTO usage_counts (bucket, key_id, model, purpose, requests, errors, violations)
                VALUES ($bucket, $key, $model, $purpose, $requests, $errors, $violations)
                ON CONFLICT (bucket, key_id, model, purpose) DO UPDATE SET
                    requests = requests + excluded.requests, errors = errors + excluded.errors, violations = violations + excluded.violations
                """,
                ("$bucket", c.Bucket.ToUnixTimeSeconds()), ("$key", c.KeyId), ("$model", c.Model), ("$purpose", c.Purpose),
                ("$requests", c.Requests), ("$errors", c.Errors), ("$violations", c.Violations));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageCount>> QueryAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT bucket, key_id, model, purpose, requests, errors, violations FROM usage_counts
            WHERE bucket >= $since AND ($key IS NULL OR key_id = $key) AND ($model IS NULL OR model = $model)
            ORDER BY bucket, key_id, model, purpose
            """,
            ("$since", since.ToUnixTimeSeconds() / 3600 * 3600), ("$key", Nullable(keyId)), ("$model", Nullable(model)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UsageCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new UsageCount(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }

        return rows;
    }
}
