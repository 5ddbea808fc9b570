using Warden.Core.Registry;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IModelStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlModelStore(SqlDatabase database) : IModelStore
{
    public async Task<IReadOnlyList<ModelVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT model, version, sha256, size_bytes, stage, deployed_by, deployed_at, signature, card, kind FROM model_versions ORDER BY model, version_num");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ModelVersionRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ModelVersionRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), FromMs(reader.GetInt64(6)), reader.GetString(7), reader.GetString(8), reader.GetString(9)));
        }

        return result;
    }

    public async Task AddVersionAsync(ModelVersionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO model_versions (model, version, version_num, sha256, size_bytes, stage, deployed_by, deployed_at, signature, card, kind)
            VALUES (@model, @version, @num, @sha, @size, @stage, @by, @at, @signature, @card, @kind)
            """,
            ("model", record.Model), ("version", record.Version), ("num", long.TryParse(record.Version, out var n) ? n : 0L),
            ("sha", record.Sha256), ("size", record.SizeBytes), ("stage", record.Stage), ("by", record.DeployedBy),
            ("at", ToMs(record.DeployedAt)), ("signature", record.SignatureJson), ("card", record.CardJson), ("kind", record.Kind));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SetStagesAsync(string model, IReadOnlyDictionary<string, string> versionStages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(versionStages);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (version, stage) in versionStages)
        {
            await using var update = Command(connection, transaction, "UPDATE model_versions SET stage = @stage WHERE model = @model AND version = @version",
                ("stage", stage), ("model", model), ("version", version));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (stage == ModelStages.Production)
            {
                await using var history = Command(connection, transaction, "INSERT INTO production_history (model, version) VALUES (@model, @version)",
                    ("model", model), ("version", version));
                await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> GetProductionHistoryAsync(string model, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT version FROM production_history WHERE model = @model ORDER BY id DESC", ("model", model));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
