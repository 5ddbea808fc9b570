using Warden.Core.Review;

namespace Warden.Storage.Tests.Contracts;

public abstract class ReviewStoreContract<TBackend> : StoreContract<TBackend>
    where TBackend : StorageBackend, new()
{
    [Fact]
    public void Items_round_trip_and_are_filtered_found_overdue_and_counted_per_assignee()
    {
        var store = new ReviewStore(Backend.Shared);
        var first = Item("r1", "a", T0, assignedTo: "alice") with { LabelMap = new Dictionary<string, string> { ["approve"] = "yes" }, EscalateTo = "team-lead" };
        store.Insert(first);
        store.Insert(Item("r2", "a", T0.AddMinutes(1), assignedTo: "bob"));
        store.Insert(Item("r3", "b", T0.AddMinutes(2), assignedTo: "alice"));

        var decided = store.TryUpdate(first with { Status = "decided", Label = "approve", DecidedAt = T0.AddMinutes(5), ClaimedBy = "alice", ClaimExpires = T0.AddMinutes(4), Score = null });

        Assert.NotNull(decided);
        Assert.Equal(1, decided.Revision);
        var stored = store.Get("r1")!;
        Assert.Equal(decided, stored, ItemComparer.Instance);
        Assert.Equal("yes", stored.OutcomeOf("approve"));
        Assert.Equal("team-lead", stored.EscalateTo);
        Assert.Null(store.Get("missing"));
        Assert.Equal(["r1", "r2", "r3"], store.List(null, null, 10).Select(i => i.Id));
        Assert.Equal(["r2"], store.List("a", "pending", 10).Select(i => i.Id));
        Assert.Equal(["r1", "r2"], store.List("a", null, 10).Select(i => i.Id));
        Assert.Equal(["r1"], store.List(null, null, 1).Select(i => i.Id));
        Assert.Equal(["r2", "r3"], store.Overdue(T0.AddHours(2)).Select(i => i.Id));
        Assert.Empty(store.Overdue(T0));
        Assert.Equal(new Dictionary<string, int> { ["alice"] = 1, ["bob"] = 1 }, store.OpenLoad());
        Assert.Equal(2, store.OpenCount());
        Assert.Equal(T0.AddMinutes(2).ToUnixTimeMilliseconds(), store.LastAssigned()["alice"]);
    }

    [Fact]
    public void A_change_written_over_a_stale_revision_is_refused_and_changes_nothing()
    {
        // Two replicas read the same item; the first to write wins, the second must read again.
        var replicaA = new ReviewStore(Backend.Shared);
        var replicaB = new ReviewStore(Backend.Shared);
        replicaA.Insert(Item("r1", "a", T0));
        var readByA = replicaA.Get("r1")!;
        var readByB = replicaB.Get("r1")!;

        Assert.NotNull(replicaA.TryUpdate(readByA with { ClaimedBy = "alice", ClaimExpires = T0.AddMinutes(15) }));
        Assert.Null(replicaB.TryUpdate(readByB with { ClaimedBy = "bob", ClaimExpires = T0.AddMinutes(15) }));

        var stored = replicaB.Get("r1")!;
        Assert.Equal("alice", stored.ClaimedBy);
        Assert.NotNull(replicaB.TryUpdate(stored with { Status = "escalated" }));
    }

    [Fact]
    public void Votes_are_listed_in_time_order_and_a_reviewer_votes_once_per_item()
    {
        var store = new ReviewStore(Backend.Shared);
        store.Insert(Item("r1", "a", T0));
        store.Insert(Item("r2", "b", T0));
        Assert.True(store.AddVote(new ReviewVote("r1", "bob", "deny", null, T0.AddMinutes(2))));
        Assert.True(store.AddVote(new ReviewVote("r1", "alice", "approve", "looks fine", T0.AddMinutes(1))));
        Assert.True(store.AddVote(new ReviewVote("r2", "carol", "approve", null, T0.AddMinutes(3))));
        Assert.False(new ReviewStore(Backend.Shared).AddVote(new ReviewVote("r1", "bob", "approve", null, T0.AddMinutes(4))));

        Assert.Equal(
            [new ReviewVote("r1", "alice", "approve", "looks fine", T0.AddMinutes(1)), new ReviewVote("r1", "bob", "deny", null, T0.AddMinutes(2))],
            store.Votes("r1"));
        Assert.Equal(["carol"], store.Votes(null, "b").Select(v => v.Reviewer));
        Assert.Equal(3, store.Votes(null).Count);
    }

    private static ReviewItem Item(string id, string model, DateTimeOffset created, string? assignedTo = null) => new()
    {
        Id = id,
        Model = model,
        Version = "1",
        PredictionId = "p-" + id,
        RequesterKey = "key_1",
        Mode = "hold",
        Status = "pending",
        Reasons = ["low confidence"],
        InputsJson = "[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.5]}]",
        OutputsJson = "[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0.4]}]",
        Score = 0.4,
        ExplanationJson = null,
        AssignedTo = assignedTo,
        CreatedAt = created,
        Deadline = created.AddHours(1),
        ReviewersRequired = 1,
        MaxReviewers = 3,
        ClaimMinutes = 15,
        Labels = ["approve", "deny"],
    };

    // Records compare lists and dictionaries by reference; the stored item round-trips their contents.
    private sealed class ItemComparer : IEqualityComparer<ReviewItem?>
    {
        public static ItemComparer Instance { get; } = new();

        public bool Equals(ReviewItem? x, ReviewItem? y) =>
            x is not null && y is not null
            && Bare(x) == Bare(y)
            && x.Reasons.SequenceEqual(y.Reasons) && x.Labels.SequenceEqual(y.Labels) && x.LabelMap.OrderBy(p => p.Key).SequenceEqual(y.LabelMap.OrderBy(p => p.Key));

        public int GetHashCode(ReviewItem? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;

        private static ReviewItem Bare(ReviewItem item) => item with { Reasons = [], Labels = [], LabelMap = Empty };

        private static readonly Dictionary<string, string> Empty = [];
    }
}
