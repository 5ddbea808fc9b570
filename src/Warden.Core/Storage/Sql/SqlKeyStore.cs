using System.Text.Json;
using System.Data.Common;
using Warden.Core.Access;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IKeyStore"/> over ADO.NET, for SQLite and PostgreSQL alike.</summary>
public sealed class SqlKeyStore(SqlDatabase database) : IKeyStore
{
    private const string Columns = "id, name, role, models, secret_hash, created_at, expires_at, revoked_at, purposes, default_purpose, limits, suspended_at";

    public async Task AddAsync(ApiKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            $"INSERT INTO api_keys ({Columns}) VALUES (@id, @name, @role, @models, @hash, @created, @expires, @revoked, @purposes, @default, @limits, @suspended)",
            ("id", key.Id), ("name", key.Name), ("role", key.Role), ("models", JsonSerializer.Serialize(key.Models)),
            ("hash", key.SecretHash), ("created", ToMs(key.CreatedAt)), ("expires", Nullable(key.ExpiresAt)), ("revoked", Nullable(key.RevokedAt)),
            ("purposes", JsonSerializer.Serialize(key.Purposes)), ("default", Nullable(key.DefaultPurpose)),
            ("limits", Nullable(key.Limits is null ? null : JsonSerializer.Serialize(key.Limits))), ("suspended", Nullable(key.SuspendedAt)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<ApiKeyRecord?> FindByHashAsync(string secretHash, CancellationToken cancellationToken = default) =>
        FindAsync("secret_hash = @v", secretHash, cancellationToken);

    public Task<ApiKeyRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default) =>
        FindAsync("id = @v", id, cancellationToken);

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM api_keys ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    // Revoking a suspended key makes the stop final: the suspension mark goes, so the key can no longer be reinstated.
    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at), suspended_at = NULL WHERE id = @id", id, at, cancellationToken);

    public Task<bool> SuspendAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE api_keys SET revoked_at = @at, suspended_at = @at WHERE id = @id AND revoked_at IS NULL", id, at, cancellationToken);

    public Task<bool> ReinstateAsync(string id, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE api_keys SET revoked_at = NULL, suspended_at = NULL WHERE id = @id AND suspended_at IS NOT NULL", id, null, cancellationToken);

    private async Task<bool> UpdateAsync(string sql, string id, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = at is { } time ? Command(connection, sql, ("at", ToMs(time)), ("id", id)) : Command(connection, sql, ("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<ApiKeyRecord?> FindAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"SELECT {Columns} FROM api_keys WHERE {where}", ("v", value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static ApiKeyRecord Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(3)) ?? [],
        reader.GetString(4), FromMs(reader.GetInt64(5)), ReadNullableTime(reader, 6), ReadNullableTime(reader, 7))
    {
        Purposes = reader.IsDBNull(8) ? [] : JsonSerializer.Deserialize<List<string>>(reader.GetString(8)) ?? [],
        DefaultPurpose = ReadNullableString(reader, 9),
        Limits = reader.IsDBNull(10) ? null : JsonSerializer.Deserialize<KeyLimits>(reader.GetString(10)),
        SuspendedAt = ReadNullableTime(reader, 11),
    };
}
