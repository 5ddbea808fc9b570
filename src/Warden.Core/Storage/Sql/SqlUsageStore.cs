using Warden.Core.Usage;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IUsageStore"/> over ADO.NET, for SQLite and PostgreSQL alike: replicas add their counts to the same hourly rows.</summary>
public sealed class SqlUsageStore(SqlDatabase database) : IUsageStore
{
    public async Task AddAsync(IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Rows in a fixed order so that two replicas flushing overlapping rows lock them in the same order (no deadlock).
        foreach (var c in counts.OrderBy(c => c.Bucket).ThenBy(c => c.KeyId, StringComparer.Ordinal).ThenBy(c => c.Model, StringComparer.Ordinal).ThenBy(c => c.Purpose, StringComparer.Ordinal))
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO usage_counts (bucket, key_id, model, purpose, requests, errors, violations)
                VALUES (@bucket, @key, @model, @purpose, @requests, @errors, @violations)
                ON CONFLICT (bucket, key_id, model, purpose) DO UPDATE SET
                    requests = usage_counts.requests + excluded.requests, errors = usage_counts.errors + excluded.errors,
                    violations = usage_counts.violations + excluded.violations
                """,
                ("bucket", c.Bucket.ToUnixTimeSeconds()), ("key", c.KeyId), ("model", c.Model), ("purpose", c.Purpose),
                ("requests", c.Requests), ("errors", c.Errors), ("violations", c.Violations));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<UsageCount>> QueryAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT bucket, key_id, model, purpose, requests, errors, violations FROM usage_counts
            WHERE bucket >= @since AND (CAST(@key AS TEXT) IS NULL OR key_id = @key) AND (CAST(@model AS TEXT) IS NULL OR model = @model)
            ORDER BY bucket, key_id, model, purpose
            """,
            ("since", since.ToUnixTimeSeconds() / 3600 * 3600), ("key", Nullable(keyId)), ("model", Nullable(model)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<UsageCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new UsageCount(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }

        return rows;
    }

    public async Task AddRefusalsAsync(IReadOnlyList<RefusalCount> counts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Fixed order for the same reason as above: replicas lock overlapping rows in the same order.
        foreach (var c in counts.OrderBy(c => c.Bucket).ThenBy(c => c.KeyId, StringComparer.Ordinal).ThenBy(c => c.Model, StringComparer.Ordinal)
            .ThenBy(c => c.Reason, StringComparer.Ordinal).ThenBy(c => c.Status))
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO refusal_counts (bucket, key_id, model, reason, status, count)
                VALUES (@bucket, @key, @model, @reason, @status, @count)
                ON CONFLICT (bucket, key_id, model, reason, status) DO UPDATE SET count = refusal_counts.count + excluded.count
                """,
                ("bucket", c.Bucket.ToUnixTimeSeconds()), ("key", c.KeyId), ("model", c.Model), ("reason", c.Reason), ("status", c.Status), ("count", c.Count));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RefusalCount>> QueryRefusalsAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, """
            SELECT bucket, key_id, model, reason, status, count FROM refusal_counts
            WHERE bucket >= @since AND (CAST(@key AS TEXT) IS NULL OR key_id = @key) AND (CAST(@model AS TEXT) IS NULL OR model = @model)
            ORDER BY bucket, key_id, model, reason, status
            """,
            ("since", since.ToUnixTimeSeconds() / 3600 * 3600), ("key", Nullable(keyId)), ("model", Nullable(model)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<RefusalCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new RefusalCount(DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                System.Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(5)));
        }

        return rows;
    }
}
