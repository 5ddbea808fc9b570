using System.Text.Json;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IReferenceProfileStore"/> over ADO.NET, for SQLite and PostgreSQL alike (the <c>scores</c> column holds the same JSON as in SQLite).</summary>
public sealed class SqlReferenceProfileStore(SqlDatabase database) : IReferenceProfileStore
{
    public async Task PutAsync(ReferenceSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var extra = JsonSerializer.Serialize(new Extra(snapshot.Source, snapshot.Scores, snapshot.Labels));
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO reference_profiles (model, version, profile, scores, actor, time) VALUES (@model, @version, @profile, @extra, @actor, @time)
            ON CONFLICT (model, version) DO UPDATE SET profile = excluded.profile, scores = excluded.scores, actor = excluded.actor, time = excluded.time
            """,
            ("model", snapshot.Model), ("version", snapshot.Version), ("profile", snapshot.Profile.ToJson()), ("extra", extra),
            ("actor", snapshot.Actor), ("time", ToMs(snapshot.Time)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReferenceSnapshot?> GetAsync(string model, string version, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "SELECT profile, scores, actor, time FROM reference_profiles WHERE model = @model AND version = @version", ("model", model), ("version", version));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var extra = JsonSerializer.Deserialize<Extra>(reader.GetString(1))!;
        return new ReferenceSnapshot(
            model, version, ReferenceProfile.FromJson(reader.GetString(0)), extra.Scores, extra.Labels, extra.Source, reader.GetString(2), FromMs(reader.GetInt64(3)));
    }

    private sealed record Extra(string Source, double[]? Scores, bool[]? Labels);
}
