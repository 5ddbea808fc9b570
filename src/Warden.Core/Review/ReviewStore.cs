using System.Data.Common;
using System.Text.Json;
using Warden.Core.Privacy;
using Warden.Core.Storage.Sql;
using static Warden.Core.Storage.Sql.SqlValues;

namespace Warden.Core.Review;

/// <summary>
/// Review items and votes (tables <c>review_items</c> and <c>review_votes</c>) in the shared database, SQLite or
/// PostgreSQL, so that every replica works the same queue. One implementation only, so no interface: the queue's
/// semantics (assignment, consensus) live in <see cref="ReviewQueue"/>, not here. Changes to an item are optimistic
/// (<see cref="TryUpdate"/> writes over the revision it read), and a reviewer votes once per item (the votes' key).
/// Inputs, outputs and explanations go through the <see cref="PayloadCipher"/> like the prediction log (key id in
/// <c>payload_key</c>). Synchronous, because items are created on the inference path, whose interceptors are.
/// </summary>
public sealed class ReviewStore(SqlDatabase database, PayloadCipher? cipher = null)
{
    private const string Columns = "id, model, version, prediction_id, requester, mode, status, reasons, inputs, outputs, score, explanation, assigned_to, claimed_by, claim_expires, created_at, deadline, label, decided_at, reviewers_required, max_reviewers, claim_minutes, labels, payload_key, terms, answer, revision";

    private readonly PayloadCipher _cipher = cipher ?? PayloadCipher.None;

    /// <summary>The associated-data context of a stored review item column.</summary>
    public static string Context(string itemId, string column) => "review:" + itemId + ":" + column;

    /// <summary>Stores a new item.</summary>
    public void Insert(ReviewItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var values = Values(item);
        using var connection = Open();
        using var command = Command(connection,
            $"INSERT INTO review_items ({Columns}) VALUES ({string.Join(", ", values.Select(v => "@" + v.Name))})", [.. values]);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Writes <paramref name="item"/> over the stored item if that is still at <see cref="ReviewItem.Revision"/>, and
    /// returns the item at its new revision; null when another writer changed it first (read it again and decide anew).
    /// </summary>
    public ReviewItem? TryUpdate(ReviewItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var values = Values(item with { Revision = item.Revision + 1 });
        var assignments = string.Join(", ", values.Skip(1).Select(v => $"{v.Name} = @{v.Name}"));
        using var connection = Open();
        using var command = Command(connection, $"UPDATE review_items SET {assignments} WHERE id = @id AND revision = @read",
            [.. values, ("read", item.Revision)]);
        return command.ExecuteNonQuery() == 1 ? item with { Revision = item.Revision + 1 } : null;
    }

    /// <summary>An item by id, or null.</summary>
    public ReviewItem? Get(string id) => Query("WHERE id = @id", ("id", id)).FirstOrDefault();

    /// <summary>Items filtered by model and status, oldest first.</summary>
    public IReadOnlyList<ReviewItem> List(string? model, string? status, int limit) =>
        Query("WHERE (CAST(@model AS TEXT) IS NULL OR model = @model) AND (CAST(@status AS TEXT) IS NULL OR status = @status) ORDER BY created_at, id LIMIT @limit",
            ("model", model), ("status", status), ("limit", (long)limit));

    /// <summary>Undecided items whose deadline is before <paramref name="now"/> and whose caller has no answer yet.</summary>
    public IReadOnlyList<ReviewItem> Overdue(DateTimeOffset now) =>
        Query("WHERE status <> 'decided' AND answer IS NULL AND deadline < @now ORDER BY deadline", ("now", ToMs(now)));

    /// <summary>Open (pending or escalated) items per assignee.</summary>
    public Dictionary<string, int> OpenLoad() =>
        Read("SELECT assigned_to, COUNT(*) FROM review_items WHERE status <> 'decided' AND assigned_to IS NOT NULL GROUP BY assigned_to")
            .ToDictionary(r => r.Key, r => (int)r.Value, StringComparer.Ordinal);

    /// <summary>Items not decided yet (pending, claimed or escalated).</summary>
    public long OpenCount()
    {
        using var connection = Open();
        using var command = Command(connection, "SELECT COUNT(*) FROM review_items WHERE status <> 'decided'");
        return ToInt64(command.ExecuteScalar());
    }

    /// <summary>When each reviewer was last assigned an item (for round-robin).</summary>
    public Dictionary<string, long> LastAssigned() =>
        Read("SELECT assigned_to, MAX(created_at) FROM review_items WHERE assigned_to IS NOT NULL GROUP BY assigned_to")
            .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

    /// <summary>Records a vote; false when this reviewer has already voted on the item (on any replica).</summary>
    public bool AddVote(ReviewVote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        using var connection = Open();
        using var command = Command(connection,
            "INSERT INTO review_votes (item_id, reviewer, label, note, time) VALUES (@item, @reviewer, @label, @note, @time) ON CONFLICT (item_id, reviewer) DO NOTHING",
            ("item", vote.ItemId), ("reviewer", vote.Reviewer), ("label", vote.Label), ("note", Nullable(vote.Note)), ("time", ToMs(vote.Time)));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Votes of one item, or of all items of a model (null for all models), in time order.</summary>
    public IReadOnlyList<ReviewVote> Votes(string? itemId, string? model = null)
    {
        using var connection = Open();
        using var command = Command(connection,
            """
            SELECT v.item_id, v.reviewer, v.label, v.note, v.time FROM review_votes v JOIN review_items i ON i.id = v.item_id
            WHERE (CAST(@item AS TEXT) IS NULL OR v.item_id = @item) AND (CAST(@model AS TEXT) IS NULL OR i.model = @model) ORDER BY v.time, v.item_id, v.reviewer
            """,
            ("item", itemId), ("model", model));
        using var reader = command.ExecuteReader();
        var votes = new List<ReviewVote>();
        while (reader.Read())
        {
            votes.Add(new ReviewVote(reader.GetString(0), reader.GetString(1), reader.GetString(2), ReadNullableString(reader, 3), FromMs(reader.GetInt64(4))));
        }

        return votes;
    }

    private DbConnection Open() => database.OpenConnectionAsync().GetAwaiter().GetResult();

    private List<(string Name, object? Value)> Values(ReviewItem item)
    {
        var (inputs, keyId) = _cipher.Seal(item.InputsJson, Context(item.Id, "inputs"));
        return
        [
            ("id", item.Id), ("model", item.Model), ("version", item.Version), ("prediction_id", item.PredictionId), ("requester", item.RequesterKey),
            ("mode", item.Mode), ("status", item.Status), ("reasons", JsonSerializer.Serialize(item.Reasons)), ("inputs", inputs),
            ("outputs", _cipher.Seal(item.OutputsJson, Context(item.Id, "outputs")).Stored), ("score", item.Score is { } s ? s : DBNull.Value),
            ("explanation", Nullable(_cipher.SealNullable(item.ExplanationJson, Context(item.Id, "explanation")))),
            ("assigned_to", Nullable(item.AssignedTo)), ("claimed_by", Nullable(item.ClaimedBy)), ("claim_expires", Nullable(item.ClaimExpires)),
            ("created_at", ToMs(item.CreatedAt)), ("deadline", ToMs(item.Deadline)), ("label", Nullable(item.Label)), ("decided_at", Nullable(item.DecidedAt)),
            ("reviewers_required", item.ReviewersRequired), ("max_reviewers", item.MaxReviewers), ("claim_minutes", item.ClaimMinutes),
            ("labels", JsonSerializer.Serialize(item.Labels)), ("payload_key", keyId is { } k ? k : DBNull.Value),
            ("terms", JsonSerializer.Serialize(new Terms(item.DeadlineAnswer, item.DefaultDecision, item.EscalateTo, item.LabelMap))),
            ("answer", Nullable(item.Answer)), ("revision", item.Revision),
        ];
    }

    private List<(string Key, long Value)> Read(string sql)
    {
        using var connection = Open();
        using var command = Command(connection, sql);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), ToInt64(reader.GetValue(1))));
        }

        return rows;
    }

    private List<ReviewItem> Query(string where, params (string, object?)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, $"SELECT {Columns} FROM review_items {where}", parameters);
        using var reader = command.ExecuteReader();
        var items = new List<ReviewItem>();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            int? keyId = reader.IsDBNull(23) ? null : (int)ToInt64(reader.GetValue(23));
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
                ReviewersRequired = (int)ToInt64(reader.GetValue(19)),
                MaxReviewers = (int)ToInt64(reader.GetValue(20)),
                ClaimMinutes = reader.GetDouble(21),
                Labels = JsonSerializer.Deserialize<List<string>>(reader.GetString(22)) ?? [],
                DeadlineAnswer = terms?.DeadlineAnswer ?? ReviewDeadlineAnswers.Refuse,
                DefaultDecision = terms?.DefaultDecision,
                EscalateTo = terms?.EscalateTo,
                LabelMap = terms?.LabelMap ?? new Dictionary<string, string>(),
                Answer = ReadNullableString(reader, 25),
                Revision = ToInt64(reader.GetValue(26)),
            });
        }

        return items;
    }

    // Policy terms copied into the item (one JSON column, so adding a term needs no migration).
    private sealed record Terms(string DeadlineAnswer, string? DefaultDecision, string? EscalateTo, IReadOnlyDictionary<string, string>? LabelMap);
}
