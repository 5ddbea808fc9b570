using Microsoft.Extensions.Options;
using Warden.Core.Audit;
using Warden.Core.Privacy;
using Warden.Core.Review;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// Key rotation for stored payloads: counts rows per payload key and re-writes every row that is not under the active
/// key (older keys, or plaintext written before encryption was turned on) in batches of
/// <see cref="PrivacyOptions.ReencryptBatchSize"/>, one transaction each, while the server keeps serving. Each run is
/// recorded in the audit chain (<c>privacy.reencrypt</c>). The same on SQLite and PostgreSQL; on several replicas a run
/// may overlap another's, which costs work but no data (a row re-sealed twice holds the same payload).
/// </summary>
public sealed class SqlPayloadReencryptor(SqlDatabase database, PayloadCipher cipher, AuditLog audit, IOptions<PrivacyOptions> options, TimeProvider time)
{
    private static readonly PayloadTable[] Tables =
    [
        new("predictions", "seq", "id", ["inputs", "outputs", "sensitive"], SqlPredictionStore.Context),
        new("review_items", "id", "id", ["inputs", "outputs", "explanation"], ReviewStore.Context),
        // The monitoring copies of the predictions (blocks of feature vectors) are re-sealed with them: a plaintext block
        // is bytes in "block", sealed (as base64 text) into "sealed".
        new("prediction_feature_blocks", "block_id", "block_id", ["sealed"], (id, _) => SqlPredictionStore.Context(id, "block"), PlainBlob: "block"),
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Rows per table and payload key (null = stored in clear).</summary>
    public async Task<IReadOnlyList<PayloadKeyCount>> CountByKeyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var counts = new List<PayloadKeyCount>();
        foreach (var table in Tables)
        {
            // Sealed rows by key, and the rows in clear as all rows less the sealed ones, in one statement (one snapshot):
            // SQLite indexes sealed predictions only (see SqliteDatabase), so a GROUP BY over every row would read the table.
            await using var command = Command(connection,
                $"""
                SELECT payload_key, COUNT(*) FROM {table.Name} WHERE payload_key IS NOT NULL GROUP BY payload_key
                UNION ALL
                SELECT NULL, (SELECT COUNT(*) FROM {table.Name}) - (SELECT COUNT(*) FROM {table.Name} WHERE payload_key IS NOT NULL)
                """);
            var inClear = 0L;
            var sealedRows = new List<PayloadKeyCount>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.IsDBNull(0))
                {
                    inClear = ToInt64(reader.GetValue(1));
                }
                else
                {
                    sealedRows.Add(new PayloadKeyCount(table.Name, (int)ToInt64(reader.GetValue(0)), ToInt64(reader.GetValue(1))));
                }
            }

            // As before: rows in clear first, then by key.
            if (inClear > 0)
            {
                counts.Add(new PayloadKeyCount(table.Name, null, inClear));
            }

            counts.AddRange(sealedRows.OrderBy(c => c.KeyId));
        }

        return counts;
    }

    /// <summary>Re-encrypts every row not under the active key; one run at a time.</summary>
    /// <exception cref="WardenException">409 when encryption is not configured; 503 when a row's key is missing from the ring.</exception>
    public Task<ReencryptionResult> ReencryptAsync(string actor, CancellationToken cancellationToken = default) =>
        ReencryptAsync(actor, TimeSpan.Zero, cancellationToken);

    /// <summary>As <see cref="ReencryptAsync(string, CancellationToken)"/>, waiting <paramref name="pause"/> between batches.</summary>
    public async Task<ReencryptionResult> ReencryptAsync(string actor, TimeSpan pause, CancellationToken cancellationToken)
    {
        if (cipher.ActiveKeyId is not { } active)
        {
            throw WardenException.Conflict("payload encryption is not configured (Warden:Privacy:Encryption); there is nothing to re-encrypt to");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batchSize = Math.Max(1, options.Value.ReencryptBatchSize);
            var done = new long[Tables.Length];
            var batches = 0;
            for (var t = 0; t < Tables.Length; t++)
            {
                object? after = null;
                while (true)
                {
                    var (written, last) = await ReencryptBatchAsync(Tables[t], active, batchSize, after, cancellationToken).ConfigureAwait(false);
                    if (last is null)
                    {
                        break;
                    }

                    after = last;

                    done[t] += written;
                    batches++;
                    if (pause > TimeSpan.Zero)
                    {
                        await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var remaining = (await CountByKeyAsync(cancellationToken).ConfigureAwait(false)).Where(c => c.KeyId != active).ToList();
            var result = new ReencryptionResult(active, done[0], done[1], batches, remaining);
            await audit.AppendAsync(actor, "privacy.reencrypt", "payloads",
                new { activeKeyId = active, predictions = done[0], reviewItems = done[1], batches, remaining = remaining.Sum(r => r.Rows) },
                CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Returns the rows re-sealed and the key of the last row read (null: none left). Each batch starts after the previous
    // one's last key, so a run reads each table once: rows behind it are under the active key (re-sealed, or written since
    // under it), and a scan from the start would pass over them again at every batch.
    private async Task<(int Written, object? Last)> ReencryptBatchAsync(PayloadTable table, int active, int batchSize, object? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(object Key, string Id, int? KeyId, string?[] Values)>();
        var selectSql = $"SELECT {table.Key}, {table.Id}, payload_key, {string.Join(", ", table.Columns)}{(table.PlainBlob is null ? "" : ", " + table.PlainBlob)} FROM {table.Name} " +
            $"WHERE (payload_key IS NULL OR payload_key <> @active){(after is null ? "" : $" AND {table.Key} > @after")} ORDER BY {table.Key} LIMIT @limit";
        await using (var select = after is null
            ? Command(connection, selectSql, ("active", active), ("limit", (long)batchSize))
            : Command(connection, selectSql, ("active", active), ("limit", (long)batchSize), ("after", after)))
        {
            select.Transaction = transaction;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var values = new string?[table.Columns.Length];
                for (var c = 0; c < values.Length; c++)
                {
                    values[c] = reader.IsDBNull(3 + c) ? null : reader.GetString(3 + c);
                }

                if (table.PlainBlob is not null && values[0] is null)
                {
                    // A plaintext feature block is a BLOB; it is sealed (and read back) as base64 text.
                    values[0] = Convert.ToBase64String(reader.GetFieldValue<byte[]>(3 + values.Length));
                }

                rows.Add((reader.GetValue(0), reader.GetString(1), reader.IsDBNull(2) ? null : (int)ToInt64(reader.GetValue(2)), values));
            }
        }

        var assignments = string.Join(", ", table.Columns.Select((c, i) => $"{c} = @v{i}")) + (table.PlainBlob is null ? "" : $", {table.PlainBlob} = @empty");
        var written = 0;
        foreach (var (key, id, keyId, values) in rows)
        {
            var parameters = new List<(string, object?)> { ("key", key), ("active", active) };
            if (table.PlainBlob is not null)
            {
                parameters.Add(("empty", Array.Empty<byte>()));
            }

            for (var c = 0; c < values.Length; c++)
            {
                var context = table.Context(id, table.Columns[c]);
                parameters.Add(("v" + c, Nullable(cipher.SealNullable(cipher.OpenNullable(values[c], keyId, context), context))));
            }

            // payload_key = @active last so the row never claims a key its columns are not under.
            await using var update = Command(connection, $"UPDATE {table.Name} SET {assignments}, payload_key = @active WHERE {table.Key} = @key", parameters.ToArray());
            update.Transaction = transaction;
            written += await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (written, rows.Count == 0 ? null : rows[^1].Key);
    }

    private sealed record PayloadTable(string Name, string Key, string Id, string[] Columns, Func<string, string, string> Context, string? PlainBlob = null);
}
