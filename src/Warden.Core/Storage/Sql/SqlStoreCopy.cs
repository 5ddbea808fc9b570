using System.Data.Common;
using System.Globalization;

namespace Warden.Core.Storage.Sql;

/// <summary>
/// Copies every table the shared stores use from one database to another (SQLite to PostgreSQL when a single node
/// becomes a scale-out deployment), row for row, in one transaction on the target: the sequence numbers, ids and audit
/// hashes stay as they were, so the audit chain still verifies and links to predictions still resolve. The target must
/// have the schema already and be empty; values are converted to the target column's type (SQLite's integers to
/// PostgreSQL's booleans and 32-bit columns). Model files are not rows: copy them with the blob stores.
/// </summary>
public sealed class SqlStoreCopy(SqlDatabase source, SqlDatabase target)
{
    private const int BatchRows = 1_000;

    /// <summary>The tables of the shared stores, parents before children.</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "model_versions", "production_history", "api_keys", "audit_log", "predictions", "prediction_feature_blocks", "feedback",
        "model_settings", "usage_counts", "refusal_counts", "drift_evaluations", "fairness_audits", "abuse_alerts", "reference_profiles", "retrain_jobs", "retrain_logs",
        "review_items", "review_votes", "edge_bundles", "edge_devices", "edge_telemetry",
    ];

    /// <summary>Copies every table; returns the rows copied per table. Throws <see cref="InvalidOperationException"/> when the target is not empty.</summary>
    public async Task<IReadOnlyList<(string Table, long Rows)>> CopyAsync(CancellationToken cancellationToken = default)
    {
        await using var to = await target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var from = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables)
        {
            if (await CountAsync(to, null, table, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new InvalidOperationException($"the target database already has rows in {table}; copy into a new, empty database (after `warden db migrate`)");
            }
        }

        var copied = new List<(string, long)>();
        await using var transaction = await to.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables)
        {
            var targetColumns = await ColumnsAsync(to, transaction, table, cancellationToken).ConfigureAwait(false);
            var sourceColumns = await ColumnsAsync(from, null, table, cancellationToken).ConfigureAwait(false);
            var columns = targetColumns.Where(c => sourceColumns.ContainsKey(c.Key)).Select(c => c.Key).ToList();
            var types = columns.Select(c => targetColumns[c]).ToArray();
            long rows = 0;
            await using (var read = from.CreateCommand())
            {
                read.CommandText = $"SELECT {string.Join(", ", columns)} FROM {table}";
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var batch = new List<object?[]>(BatchRows);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new object?[columns.Count];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = reader.IsDBNull(i) ? null : Convert(reader.GetValue(i), types[i]);
                    }

                    batch.Add(row);
                    if (batch.Count == BatchRows)
                    {
                        await target.Dialect.InsertRowsAsync(to, transaction, table, columns, batch, cancellationToken).ConfigureAwait(false);
                        rows += batch.Count;
                        batch.Clear();
                    }
                }

                if (batch.Count > 0)
                {
                    await target.Dialect.InsertRowsAsync(to, transaction, table, columns, batch, cancellationToken).ConfigureAwait(false);
                    rows += batch.Count;
                }
            }

            copied.Add((table, rows));
        }

        await target.Dialect.AfterCopyAsync(to, transaction, Tables, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return copied;
    }

    /// <summary>Copies the file of every model version and edge bundle recorded in the source from <paramref name="from"/> to <paramref name="to"/> (each checked against its hash when read); returns how many.</summary>
    public async Task<int> CopyBlobsAsync(IModelBlobStore from, IModelBlobStore to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var hashes = new List<string>();
        await using (var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT sha256 FROM model_versions UNION SELECT sha256 FROM edge_bundles";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hashes.Add(reader.GetString(0));
            }
        }

        foreach (var sha in hashes)
        {
            var stored = await to.PutAsync(await from.GetAsync(sha, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (stored != sha)
            {
                throw new InvalidDataException($"model file {sha} was stored under {stored}");
            }
        }

        return hashes.Count;
    }

    private static object Convert(object value, Type type) =>
        value.GetType() == type ? value
        : type == typeof(bool) ? System.Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0
        : type == typeof(byte[]) || type == typeof(string) ? value
        : System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return System.Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    // Column names and the .NET type each holds, read from an empty result (works the same on every ADO.NET provider).
    private static async Task<Dictionary<string, Type>> ColumnsAsync(DbConnection connection, DbTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT * FROM {table} WHERE 1 = 0";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            columns[reader.GetName(i)] = reader.GetFieldType(i);
        }

        return columns;
    }
}
