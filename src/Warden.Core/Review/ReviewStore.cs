using System.Text.Json;
using Microsoft.Data.Sqlite;
using Warden.Core.Privacy;
using Warden.Core.Storage.Sqlite;
using static Warden.Core.Storage.Sqlite.SqliteValues;

namespace Warden.Core.Review;

/// <summary>
/// Review items and votes in the embedded SQLite database (tables created on first use). One implementation only, so no
/// interface: the queue's semantics (locks, consensus) live in <see cref="ReviewQueue"/>, not here. Inputs, outputs and
/// explanations go through the <see cref="PayloadCipher"/> like the prediction log (key id in <c>payload_key</c>).
/// </summary>
public sealed class ReviewStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS review_items (
            id TEXT PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL, prediction_id TEXT NOT NULL, requester TEXT NOT NULL,
            mode TEXT NOT NULL, status TEXT NOT NULL, reasons TEXT NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL,
            score REAL NULL, explanation TEXT NULL, assigned_to TEXT NULL, claimed_by TEXT NULL, claim_expires INTEGER NULL,
            created_at INTEGER NOT NULL, deadline INTEGER NOT NULL, label TEXT NULL, decided_at INTEGER NULL,
            reviewers_required INTEGER NOT NULL, max_reviewers INTEGER NOT NULL, claim_minutes REAL NOT NULL, labels TEXT NOT NULL,
            payload_key INTEGER NULL);
        CREATE INDEX IF NOT EXISTS ix_review_items_status ON review_items (status, deadline);
        CREATE TABLE IF NOT EXISTS review_votes (
            item_id TEXT NOT NULL, reviewer TEXT NOT NULL, label TEXT NOT NULL, note TEXT NULL, time INTEGER NOT NULL,
            PRIMARY KEY (item_id, reviewer));
        """;

    private const string Columns = "id, model, version, prediction_id, requester, mode, status, reasons, inputs, outputs, score, explanation, assigned_to, claimed_by, claim_expires, created_at, deadline, label, decided_at, reviewers_required, max_reviewers, claim_minutes, labels, payload_key, terms, answer";

    private readonly SqliteDatabase _database;
    private readonly PayloadCipher _cipher;

    public ReviewStore(SqliteDatabase database, PayloadCipher? cipher = null)
    {
        _database = database;
        _cipher = cipher ?? PayloadCipher.None;
        using (var connection = Open())
        using (var command = Command(connection, Schema))
        {
            command.ExecuteNonQuery();
        }

        database.EnsureColumn("review_items", "payload_key", "INTEGER NULL");
        database.EnsureColumn("review_items", "terms", "TEXT NULL");
        database.EnsureColumn("review_items", "answer", "TEXT NULL");
    }

    /// <summary>The associated-data context of a stored review item column.</summary>
    public static string Context(string itemId, string column) => "review:" + itemId + ":" + column;

    /// <summary>Inserts or replaces an item (synchronous: called on the inference path, where SQLite is synchronous anyway).</summary>
    public void Save(ReviewItem item)
    {
        var (inputs, keyId) = _cipher.Seal(item.InputsJson, Context(item.Id, "inputs"));
        using var connection = Open();
        using var command = Command(connection,
            $"INSERT OR REPLACE INTO review_items ({Columns}) VALUES ($id, $model, $version, $pid, $requester, $mode, $status, $reasons, $inputs, $outputs, $score, $explanation, $assigned, $claimed, $claimExpires, $created, $deadline, $label, $decided, $k, $n, $claimMinutes, $labels, $payloadKey, $terms, $answer)",
            ("$id", item.Id), ("$model", item.Model), ("$version", item.Version), ("$pid", item.PredictionId), ("$requester", item.RequesterKey),
            ("$mode", item.Mode), ("$status", item.Status), ("$reasons", JsonSerializer.Serialize(item.Reasons)), ("$inputs", inputs),
            ("$outputs", _cipher.Seal(item.OutputsJson, Context(item.Id, "outputs")).Stored), ("$score", item.Score is { } s ? s : DBNull.Value),
            ("$explanation", Nullable(_cipher.SealNullable(item.ExplanationJson, Context(item.Id, "explanation")))),
            ("$assigned", Nullable(item.AssignedTo)), ("$claimed", Nullable(item.ClaimedBy)), ("$claimExpires", Nullable(item.ClaimExpires)),
            ("$created", ToMs(item.CreatedAt)), ("$deadline", ToMs(item.Deadline)), ("$label", Nullable(item.Label)), ("$decided", Nullable(item.DecidedAt)),
            ("$k", item.ReviewersRequired), ("$n", item.MaxReviewers), ("$claimMinutes", item.ClaimMinutes), ("$labels", JsonSerializer.Serialize(item.Labels)),
            ("$payloadKey", keyId is { } k ? k : DBNull.Value),
            ("$terms", JsonSerializer.Serialize(new Terms(item.DeadlineAnswer, item.DefaultDecision, item.EscalateTo, item.LabelMap))),
            ("$answer", Nullable(item.Answer)));
        command.ExecuteNonQuery();
    }

    /// <summary>An item by id, or null.</summary>
    public ReviewItem? Get(string id) => Query("WHERE id = $id", ("$id", id)).FirstOrDefault();

    /// <summary>Items filtered by model and status, oldest first.</summary>
    public IReadOnlyList<ReviewItem> List(string? model, string? status, int limit) =>
        Query("WHERE ($model IS NULL OR model = $model) AND ($status IS NULL OR status = $status) ORDER BY created_at, id LIMIT $limit",
            ("$model", Nullable(model)), ("$status", Nullable(status)), ("$limit", limit));

    /// <summary>Undecided items whose deadline is before <paramref name="now"/> and whose caller has no answer yet.</summary>
    public IReadOnlyList<ReviewItem> Overdue(DateTimeOffset now) =>
        Query("WHERE status <> 'decided' AND answer IS NULL AND deadline < $now ORDER BY deadline", ("$now", ToMs(now)));

    /// <summary>Open (pending or escalated) items per assignee.</summary>
    public Dictionary<string, int> OpenLoad()
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT assigned_to, COUNT(*) FROM review_items WHERE status <> 'decided' AND assigned_to IS NOT NULL GROUP BY assigned_to");
        using var reader = command.ExecuteReader();
        var load = new Dictionary<string, int>(StringComparer.Ordinal);
        while (reader.Read())
        {
            load[reader.GetString(0)] = reader.GetInt32(1);
        }

        return load;
    }

    /// <summary>When each reviewer was last assigned an item (for round-robin).</summary>
    public Dictionary<string, long> LastAssigned()
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT assigned_to, MAX(created_at) FROM review_items WHERE assigned_to IS NOT NULL GROUP BY assigned_to");
        using var reader = command.ExecuteReader();
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            last[reader.GetString(0)] = reader.GetInt64(1);
        }

        return last;
    }

    /// <summary>Records a vote.</summary>
    public void AddVote(ReviewVote vote)
    {
        using var connection = Open();
        using var command = Command(connection, "INSERT INTO review_votes (item_id, reviewer, label, note, time) VALUES ($item, $reviewer, $label, $note, $time)",
            ("$item", vote.ItemId), ("$reviewer", vote.Reviewer), ("$label", vote.Label), ("$note", Nullable(vote.Note)), ("$time", ToMs(vote.Time)));
        command.ExecuteNonQuery();
    }

    /// <summary>Votes of one item, or of all items of a model (null for all models), in time order.</summary>
    public IReadOnlyList<ReviewVote> Votes(string? itemId, string? model = null)
    {
        using var connection = Open();
        using var command = Command(connection,
            """
            SELECT v.item_id, v.reviewer, v.label, v.note, v.time FROM review_votes v JOIN review_items i ON i.id = v.item_id
            WHERE ($item IS NULL OR v.item_id = $item) AND ($model IS NULL OR i.model = $model) ORDER BY v.time, v.rowid
            """,
            ("$item", Nullable(itemId)), ("$model", Nullable(model)));
        using var reader = command.ExecuteReader();
        var votes = new List<ReviewVote>();
        while (reader.Read())
        {
            votes.Add(new ReviewVote(reader.GetString(0), reader.GetString(1), reader.GetString(2), ReadNullableString(reader, 3), FromMs(reader.GetInt64(4))));
        }

        return votes;
    }

    private SqliteConnection Open() => _database.OpenAsync().GetAwaiter().GetResult();

    private List<ReviewItem> Query(string where, params (string, object?)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, $"SELECT {Columns} FROM review_items {where}", parameters);
        using var reader = command.ExecuteReader();
        var items = new List<ReviewItem>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            int? keyId = reader.IsDBNull(23) ? null : reader.GetInt32(23);
            var terms = ReadNullableString(reader, 24) is { } text ? JsonSerializer.Deserialize<Terms>(text) : null;
            items.Add(new ReviewItem
            {
                Id = id,
                Model = reader.GetString(1),
                Version = reader.GetString(2),
                PredictionId = reader.GetString(3),
                RequesterKey = reader.GetString(4),
                Mode = reader.GetString(5),
                Status = reader.GetString(6),
                Reasons = JsonSerializer.Deserialize<List<string>>(reader.GetString(7)) ?? [],
                InputsJson = _cipher.Open(reader.GetString(8), keyId, Context(id, "inputs")),
                OutputsJson = _cipher.Open(reader.GetString(9), keyId, Context(id, "outputs")),
                Score = reader.IsDBNull(10) ? null : reader.GetDouble(10),
                ExplanationJson = _cipher.OpenNullable(ReadNullableString(reader, 11), keyId, Context(id, "explanation")),
                AssignedTo = ReadNullableString(reader, 12),
                ClaimedBy = ReadNullableString(reader, 13),
                ClaimExpires = ReadNullableTime(reader, 14),
                CreatedAt = FromMs(reader.GetInt64(15)),
                Deadline = FromMs(reader.GetInt64(16)),
                Label = ReadNullableString(reader, 17),
                DecidedAt = ReadNullableTime(reader, 18),
                ReviewersRequired = reader.GetInt32(19),
                MaxReviewers = reader.GetInt32(20),
                ClaimMinutes = reader.GetDouble(21),
                Labels = JsonSerializer.Deserialize<List<string>>(reader.GetString(22)) ?? [],
                DeadlineAnswer = terms?.DeadlineAnswer ?? ReviewDeadlineAnswers.Refuse,
                DefaultDecision = terms?.DefaultDecision,
                EscalateTo = terms?.EscalateTo,
                LabelMap = terms?.LabelMap ?? new Dictionary<string, string>(),
                Answer = ReadNullableString(reader, 25),
            });
        }

        return items;
    }

    // Policy terms copied into the item (one JSON column, so adding a term needs no migration).
    private sealed record Terms(string DeadlineAnswer, string? DefaultDecision, string? EscalateTo, IReadOnlyDictionary<string, string>? LabelMap);
}
