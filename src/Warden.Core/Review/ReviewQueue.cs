using System.Text.Json;
using System.Threading.Channels;
using Warden.Contracts.Context;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Feedback;
using Warden.Core.Storage;

namespace Warden.Core.Review;

/// <summary>
/// The human review queue: items created by <see cref="ReviewInterceptor"/>, assigned to reviewers (least-loaded or
/// round-robin, never the requesting key), claimed with an expiring lock, decided by k-of-n consensus, escalated when the
/// deadline passes. The final label is written to the feedback store (source <c>review</c>) so audits and retraining see it.
/// Webhooks: <c>review.created</c>, <c>review.decided</c>, <c>review.escalated</c>.
/// </summary>
public sealed class ReviewQueue
{
    /// <summary>Feedback source of reviewer labels.</summary>
    public const string FeedbackSource = "review";

    private readonly ReviewStore _store;
    private readonly IFeedbackStore _feedback;
    private readonly IKeyStore _keys;
    private readonly EventPublisher _events;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _assignLock = new();
    private readonly Channel<ExplanationRequest> _explanations = Channel.CreateBounded<ExplanationRequest>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Telemetry.WardenMetrics? _metrics;

    public ReviewQueue(
        ReviewStore store, IFeedbackStore feedback, IKeyStore keys, EventPublisher events, AuditLog audit, TimeProvider time,
        Telemetry.WardenMetrics? metrics = null)
    {
        _metrics = metrics;
        metrics?.ObserveReviewQueue(store.OpenCount);
        _store = store;
        _feedback = feedback;
        _keys = keys;
        _events = events;
        _audit = audit;
        _time = time;
    }

    /// <summary>Items waiting for their explanation (read by <see cref="ReviewWorker"/>).</summary>
    public ChannelReader<ExplanationRequest> ExplanationRequests => _explanations.Reader;

    /// <summary>Creates an item and assigns it; synchronous because it runs on the inference path.</summary>
    public ReviewItem Create(ReviewItem item, ReviewPolicy policy, ExplanationRequest? explanation)
    {
        lock (_assignLock)
        {
            var assigned = item with { AssignedTo = PickReviewer(item.RequesterKey, new HashSet<string>(StringComparer.Ordinal), policy.Assignment) };
            _store.Insert(assigned);
            if (explanation is not null)
            {
                _explanations.Writer.TryWrite(explanation);
            }

            _events.Publish("review.created", Summary(assigned));
            return assigned;
        }
    }

    /// <summary>An item, or null.</summary>
    public ReviewItem? Get(string id) => _store.Get(id);

    /// <summary>Votes on an item.</summary>
    public IReadOnlyList<ReviewVote> Votes(string id) => _store.Votes(id);

    /// <summary>Items by model and status.</summary>
    public IReadOnlyList<ReviewItem> List(string? model, string? status, int limit) => _store.List(model, status, limit);

    /// <summary>Attaches a computed explanation.</summary>
    public async Task AttachExplanationAsync(string id, string json, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                if (_store.Get(id) is not { } item || _store.TryUpdate(item with { ExplanationJson = json }) is not null)
                {
                    return;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Locks an item for <paramref name="reviewer"/> for the policy's claim minutes.</summary>
    public async Task<ReviewItem> ClaimAsync(string id, ApiKeyRecord reviewer, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var item = Open(id, reviewer);
                var claimed = _store.TryUpdate(item with
                {
                    ClaimedBy = reviewer.Id,
                    ClaimExpires = _time.GetUtcNow().AddMinutes(item.ClaimMinutes),
                    AssignedTo = reviewer.Id,
                });
                if (claimed is not null)
                {
                    return claimed;
                }
            }

            throw Contended(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records <paramref name="reviewer"/>'s label. When k votes agree the label is final (feedback, webhook, audit); when
    /// n votes are in without k agreeing the item escalates; otherwise it goes to the next reviewer. The outcome is
    /// computed from every vote stored, and written only over the item as it was read: when a reviewer on another replica
    /// changed it first, the votes are read again, so concurrent votes are all counted and the decision is taken once.
    /// </summary>
    public async Task<ReviewItem> DecideAsync(string id, ApiKeyRecord reviewer, string label, string? note, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw WardenException.BadRequest("a decision needs a label");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var opened = Open(id, reviewer);
            if (opened.Labels.Count > 0 && !opened.Labels.Contains(label, StringComparer.Ordinal))
            {
                throw WardenException.BadRequest($"label '{label}' is not allowed; the policy allows: {string.Join(", ", opened.Labels)}");
            }

            var now = _time.GetUtcNow();
            if (!_store.AddVote(new ReviewVote(id, reviewer.Id, label, note, now)))
            {
                throw WardenException.Conflict($"you already decided review '{id}'; consensus needs other reviewers");
            }

            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var item = _store.Get(id) ?? throw WardenException.NotFound($"review '{id}' is not found");
                if (item.Status == ReviewStatus.Decided)
                {
                    // Another replica counted this vote into its decision.
                    return item;
                }

                var votes = _store.Votes(id);
                var top = votes.GroupBy(v => v.Label, StringComparer.Ordinal).OrderByDescending(g => g.Count()).First();
                if (top.Count() >= item.ReviewersRequired)
                {
                    if (_store.TryUpdate(item with { Status = ReviewStatus.Decided, Label = top.Key, DecidedAt = now, ClaimedBy = null, ClaimExpires = null }) is not { } decided)
                    {
                        continue;
                    }

                    // The feedback store speaks the outcome vocabulary (yes/no), reviewers the review one (approve/deny).
                    var outcome = item.OutcomeOf(top.Key);
                    await _feedback.UpsertAsync([new FeedbackRecord(item.Model, item.PredictionId, outcome, FeedbackSource, reviewer.Id, now, item.RequesterKey)], cancellationToken).ConfigureAwait(false);
                    await _audit.AppendAsync(reviewer.Id, "review.decide", $"{item.Model}/{item.PredictionId}",
                        new { review = id, label = top.Key, outcome, votes = votes.Select(v => new { v.Reviewer, v.Label }).ToList() }, cancellationToken).ConfigureAwait(false);
                    _events.Publish("review.decided", Summary(decided));
                    _metrics?.RecordReviewDecision(item.Model, "decided", (now - item.CreatedAt).TotalSeconds);
                    return decided;
                }

                if (votes.Count >= item.MaxReviewers)
                {
                    var noConsensus = $"no {item.ReviewersRequired} of {item.MaxReviewers} reviewers agreed";
                    if (item.Status == ReviewStatus.Escalated && item.Reasons.Contains(noConsensus, StringComparer.Ordinal))
                    {
                        // Escalated already, by another replica counting the same votes.
                        return item;
                    }

                    if (_store.TryUpdate(item with { Status = ReviewStatus.Escalated, ClaimedBy = null, ClaimExpires = null, Reasons = [.. item.Reasons, noConsensus] }) is not { } escalated)
                    {
                        continue;
                    }

                    await _audit.AppendAsync(reviewer.Id, "review.vote", $"{item.Model}/{item.PredictionId}", new { review = id, label, escalated = true, escalateTo = item.EscalateTo }, cancellationToken).ConfigureAwait(false);
                    _events.Publish("review.escalated", Summary(escalated));
                    _metrics?.RecordReviewDecision(item.Model, "escalated", (now - item.CreatedAt).TotalSeconds);
                    return escalated;
                }

                ReviewItem? next;
                lock (_assignLock)
                {
                    next = _store.TryUpdate(item with
                    {
                        ClaimedBy = null,
                        ClaimExpires = null,
                        AssignedTo = PickReviewer(item.RequesterKey, votes.Select(v => v.Reviewer).ToHashSet(StringComparer.Ordinal), "least-loaded"),
                    });
                }

                if (next is null)
                {
                    continue;
                }

                await _audit.AppendAsync(reviewer.Id, "review.vote", $"{item.Model}/{item.PredictionId}", new { review = id, label }, cancellationToken).ConfigureAwait(false);
                return next;
            }

            throw Contended(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Items whose deadline passed undecided: the caller gets the policy's deadline answer (held callers: refusal, the
    /// model's answer or the default decision; advised callers already have the model's), and the item escalates to the
    /// policy's named target. Returns how many.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var overdue = _store.Overdue(_time.GetUtcNow());
            var swept = 0;
            foreach (var item in overdue)
            {
                var answer = item.Mode == ReviewModes.Hold ? item.DeadlineAnswer : ReviewDeadlineAnswers.Model;

                // Another replica's sweep (or a decision) got there first: it answers and audits, not this one.
                if (_store.TryUpdate(item with { Status = ReviewStatus.Escalated, Answer = answer, Reasons = [.. item.Reasons, "deadline passed"] }) is not { } escalated)
                {
                    continue;
                }

                swept++;
                await _audit.AppendAsync("system", "review.escalate", $"{item.Model}/{item.PredictionId}", new
                {
                    review = item.Id,
                    deadline = item.Deadline,
                    answer,
                    decision = answer == ReviewDeadlineAnswers.Default ? item.DefaultDecision : null,
                    escalateTo = item.EscalateTo,
                }, cancellationToken).ConfigureAwait(false);
                _events.Publish("review.escalated", Summary(escalated));
            }

            return swept;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Cohen's kappa per reviewer pair, per-reviewer summaries, Fleiss' kappa and Krippendorff's alpha over every item with two votes or more.</summary>
    public AgreementReport Agreement(string? model)
    {
        var votes = _store.Votes(null, model);
        var byItem = votes.GroupBy(v => v.ItemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var reviewers = votes.Select(v => v.Reviewer).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var report = new AgreementReport();
        for (var i = 0; i < reviewers.Count; i++)
        {
            for (var j = i + 1; j < reviewers.Count; j++)
            {
                var pairs = new List<(string, string)>();
                foreach (var itemVotes in byItem.Values)
                {
                    var a = itemVotes.FirstOrDefault(v => v.Reviewer == reviewers[i]);
                    var b = itemVotes.FirstOrDefault(v => v.Reviewer == reviewers[j]);
                    if (a is not null && b is not null)
                    {
                        pairs.Add((a.Label, b.Label));
                    }
                }

                if (pairs.Count > 0)
                {
                    report.Pairs.Add(new PairAgreement { A = reviewers[i], B = reviewers[j], Items = pairs.Count, Kappa = AgreementStatistics.CohenKappa(pairs) });
                }
            }
        }

        var finals = _store.List(model, ReviewStatus.Decided, int.MaxValue).ToDictionary(i => i.Id, i => i.Label, StringComparer.Ordinal);
        foreach (var reviewer in reviewers)
        {
            var mine = votes.Where(v => v.Reviewer == reviewer).ToList();
            var kappas = report.Pairs.Where(p => (p.A == reviewer || p.B == reviewer) && p.Kappa is not null).Select(p => p.Kappa!.Value).ToList();
            var onDecided = mine.Where(v => finals.ContainsKey(v.ItemId)).ToList();
            report.Reviewers.Add(new ReviewerAgreement
            {
                Reviewer = reviewer,
                Decisions = mine.Count,
                MeanKappa = kappas.Count > 0 ? kappas.Average() : null,
                AgreementWithFinal = onDecided.Count > 0 ? onDecided.Count(v => v.Label == finals[v.ItemId]) / (double)onDecided.Count : null,
            });
        }

        // Every item with two votes or more, whatever its count: under 2-of-3 voting a third vote is asked for exactly when
        // the first two disagreed, so keeping only the items with the most common count would keep only the agreements.
        var multi = byItem.Values.Where(v => v.Count >= 2).Select(v => (IReadOnlyList<string>)v.Select(x => x.Label).ToList()).ToList();
        if (multi.Count > 0)
        {
            report.FleissItems = multi.Count;
            report.FleissRaters = multi.Max(v => v.Count);
            report.FleissKappa = AgreementStatistics.FleissKappa(multi);
            report.KrippendorffAlpha = AgreementStatistics.KrippendorffAlpha(multi);
        }

        return report;
    }

    // Each retry follows a change another replica made to the same item; this many in a row means the item is hot.
    private const int MaxAttempts = 8;

    private static WardenException Contended(string id) =>
        WardenException.Conflict($"review '{id}' kept changing while this request tried to update it; try again");

    private ReviewItem Open(string id, ApiKeyRecord reviewer)
    {
        var item = _store.Get(id) ?? throw WardenException.NotFound($"review '{id}' is not found");
        if (item.Status == ReviewStatus.Decided)
        {
            throw WardenException.Conflict($"review '{id}' is already decided ({item.Label})");
        }

        if (item.RequesterKey == reviewer.Id)
        {
            throw new WardenException(403, "a key cannot review its own request");
        }

        if (_store.Votes(id).Any(v => v.Reviewer == reviewer.Id))
        {
            throw WardenException.Conflict($"you already decided review '{id}'; consensus needs other reviewers");
        }

        if (item.ClaimedBy is { } holder && holder != reviewer.Id && item.ClaimExpires > _time.GetUtcNow())
        {
            throw WardenException.Conflict($"review '{id}' is claimed by {holder} until {item.ClaimExpires:O}");
        }

        return item;
    }

    private string? PickReviewer(string requester, IReadOnlySet<string> exclude, string assignment)
    {
        var now = _time.GetUtcNow();
        var candidates = _keys.ListAsync().GetAwaiter().GetResult()
            .Where(k => k.Role == WardenRoles.Reviewer && k.IsActive(now) && k.Id != requester && !exclude.Contains(k.Id))
            .Select(k => k.Id).Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        if (assignment == "round-robin")
        {
            var last = _store.LastAssigned();
            return candidates.MinBy(c => last.TryGetValue(c, out var t) ? t : long.MinValue);
        }

        var load = _store.OpenLoad();
        return candidates.MinBy(c => load.GetValueOrDefault(c));
    }

    private static object Summary(ReviewItem item) => new
    {
        id = item.Id,
        model = item.Model,
        version = item.Version,
        predictionId = item.PredictionId,
        mode = item.Mode,
        status = item.Status,
        reasons = item.Reasons,
        label = item.Label,
        assignedTo = item.AssignedTo,
        deadline = item.Deadline,
        answer = item.Answer,
        escalateTo = item.EscalateTo,
    };
}
