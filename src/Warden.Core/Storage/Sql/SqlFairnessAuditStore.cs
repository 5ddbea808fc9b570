using System.Text.Json;
using Warden.Core.Monitoring;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IFairnessAuditStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlFairnessAuditStore(SqlDatabase database) : IFairnessAuditStore
{
    private const string Columns = "id, model, version, time, actor, trigger, rows, passed, failures, report";

    public async Task<FairnessAuditRecord> AddAsync(FairnessAuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO fairness_audits (model, version, time, actor, trigger, rows, passed, failures, report)
            VALUES (@model, @version, @time, @actor, @trigger, @rows, @passed, @failures, @report) RETURNING id
            """,
            ("model", record.Model), ("version", Nullable(record.Version)), ("time", ToMs(record.Time)), ("actor", record.Actor),
            ("trigger", record.Trigger), ("rows", record.Rows), ("passed", record.Passed is { } p ? p : DBNull.Value),
            ("failures", JsonSerializer.Serialize(record.Failures)), ("report", record.ReportJson));
        var id = ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        return record with { Id = id };
    }

    public Task<IReadOnlyList<FairnessAuditRecord>> ListAsync(string model, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM fairness_audits WHERE model = @model ORDER BY id DESC LIMIT @limit", cancellationToken, ("model", model), ("limit", limit));

    public async Task<FairnessAuditRecord?> GetAsync(string model, long id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM fairness_audits WHERE model = @model AND id = @id", cancellationToken, ("model", model), ("id", id)).ConfigureAwait(false))
        .FirstOrDefault();

    public async Task<FairnessAuditRecord?> LatestAsync(string model, string version, string? trigger = null, CancellationToken cancellationToken = default) =>
        (await QueryAsync(
            $"SELECT {Columns} FROM fairness_audits WHERE model = @model AND version = @version AND (CAST(@trigger AS TEXT) IS NULL OR trigger = @trigger) ORDER BY id DESC LIMIT 1",
            cancellationToken, ("model", model), ("version", version), ("trigger", Nullable(trigger))).ConfigureAwait(false)).FirstOrDefault();

    private async Task<IReadOnlyList<FairnessAuditRecord>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<FairnessAuditRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new FairnessAuditRecord(
                reader.GetInt64(0), reader.GetString(1), ReadNullableString(reader, 2), FromMs(reader.GetInt64(3)), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetBoolean(7),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(8)) ?? [], reader.GetString(9)));
        }

        return result;
    }
}
