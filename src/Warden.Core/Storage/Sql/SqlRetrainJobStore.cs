using System.Data.Common;
using Warden.Core.Retraining;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Storage.Sql;

/// <summary><see cref="IRetrainJobStore"/> over ADO.NET, for SQLite and PostgreSQL alike (tables <c>retrain_jobs</c> and <c>retrain_logs</c>).</summary>
public sealed class SqlRetrainJobStore(SqlDatabase database) : IRetrainJobStore
{
    private const string Columns =
        "id, model, base_version, trigger, actor, status, progress, phase, created, started, finished, result_version, error, training_data, feedback_rows, feedback_weight";

    public async Task<RetrainJob> AddAsync(RetrainJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            INSERT INTO retrain_jobs (model, base_version, trigger, actor, status, progress, phase, created, started, finished, result_version, error, training_data, feedback_rows, feedback_weight)
            VALUES (@model, @base, @trigger, @actor, @status, @progress, @phase, @created, @started, @finished, @result, @error, @data, @feedback, @weight) RETURNING id
            """,
            Parameters(job));
        var id = ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        return job with { Id = id };
    }

    public async Task UpdateAsync(RetrainJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            """
            UPDATE retrain_jobs SET status = @status, progress = @progress, phase = @phase, started = @started, finished = @finished,
            result_version = @result, error = @error, feedback_rows = @feedback WHERE id = @id
            """,
            [.. Parameters(job), ("id", job.Id)]);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<RetrainJob?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM retrain_jobs WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false)).FirstOrDefault();

    public async Task<IReadOnlyList<RetrainJob>> ListAsync(string? model, IReadOnlyCollection<string>? statuses, int limit, CancellationToken cancellationToken = default)
    {
        if (limit <= 0 || statuses is { Count: 0 })
        {
            return [];
        }

        var parameters = new List<(string, object?)> { ("model", Nullable(model)), ("limit", limit) };
        var status = statuses is null ? "" : " AND status IN " + InList("s", statuses.ToList(), parameters);
        return await QueryAsync(
            $"SELECT {Columns} FROM retrain_jobs WHERE (CAST(@model AS TEXT) IS NULL OR model = @model){status} ORDER BY id DESC LIMIT @limit",
            cancellationToken, [.. parameters]).ConfigureAwait(false);
    }

    public async Task AppendLogAsync(RetrainLogLine line, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(line);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "INSERT INTO retrain_logs (job_id, time, message) VALUES (@job, @time, @message)",
            ("job", line.JobId), ("time", ToMs(line.Time)), ("message", line.Message));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RetrainLogLine>> LogsAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT job_id, time, message FROM retrain_logs WHERE job_id = @job ORDER BY seq", ("job", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<RetrainLogLine>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(new RetrainLogLine(reader.GetInt64(0), FromMs(reader.GetInt64(1)), reader.GetString(2)));
        }

        return lines;
    }

    public async Task<int> CountFeedbackAsync(string model, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT COUNT(*) FROM feedback WHERE model = @model AND time >= @since",
            ("model", model), ("since", since is null ? 0L : ToMs(since.Value)));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (string, object?)[] Parameters(RetrainJob job) =>
    [
        ("model", job.Model), ("base", Nullable(job.BaseVersion)), ("trigger", job.Trigger), ("actor", job.Actor), ("status", job.Status),
        ("progress", job.Progress), ("phase", job.Phase), ("created", ToMs(job.Created)), ("started", Nullable(job.Started)),
        ("finished", Nullable(job.Finished)), ("result", Nullable(job.ResultVersion)), ("error", Nullable(job.Error)),
        ("data", job.TrainingData), ("feedback", job.FeedbackRows), ("weight", job.FeedbackWeight is { } w ? w : DBNull.Value),
    ];

    private async Task<IReadOnlyList<RetrainJob>> QueryAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<RetrainJob>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static RetrainJob Read(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), ReadNullableString(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDouble(6), r.GetString(7),
        FromMs(r.GetInt64(8)), ReadNullableTime(r, 9), ReadNullableTime(r, 10), ReadNullableString(r, 11), ReadNullableString(r, 12),
        r.GetString(13), r.GetInt32(14), r.IsDBNull(15) ? null : r.GetDouble(15));
}
