using System.Collections.Concurrent;
using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Storage;

namespace Warden.Core.Usage;

/// <summary>
/// Counts requests, errors and policy violations per key, model, purpose and UTC hour, and refusals per key, model, reason
/// (the refusing step) and status. Counting is a dictionary update on
/// the request path; <see cref="FlushAsync"/> moves the pending counts into the store (periodically, and before every query
/// so that answers include the latest traffic). A model name that is not registered is counted under
/// <see cref="ModelRegistry.UnregisteredLabel"/>, so names made up in URLs cannot grow the buckets without bound.
/// </summary>
public sealed class UsageMeter(IUsageStore store, TimeProvider time, IModelCatalog registry)
{
    private readonly SemaphoreSlim _flush = new(1, 1);
    private ConcurrentDictionary<(long Hour, string Key, string Model, string Purpose), Counter> _pending = new();
    private ConcurrentDictionary<(long Hour, string Key, string Model, string Reason, int Status), Counter> _refusals = new();

    /// <summary>One call that reached the inference pipeline.</summary>
    public void Request(string keyId, string model, string? purpose) => Find(keyId, model, purpose).Add(1, 0, 0);

    /// <summary>One call answered with an error (refusals included).</summary>
    public void Error(string keyId, string model, string? purpose) => Find(keyId, model, purpose).Add(0, 1, 0);

    /// <summary>One call refused by a usage policy.</summary>
    public void Violation(string keyId, string model, string? purpose) => Find(keyId, model, purpose).Add(0, 0, 1);

    /// <summary>One call refused (a <see cref="WardenException"/>) at step <paramref name="reason"/> with HTTP <paramref name="status"/>.</summary>
    public void Refusal(string keyId, string model, string reason, int status) =>
        _refusals.GetOrAdd((Hour(), keyId, registry.Label(model), reason, status), _ => new Counter()).Add(1, 0, 0);

    /// <summary>Writes pending counts to the store.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flush.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var pending = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(long Hour, string Key, string Model, string Purpose), Counter>());
            var refusals = Interlocked.Exchange(ref _refusals, new ConcurrentDictionary<(long Hour, string Key, string Model, string Reason, int Status), Counter>());
            if (pending.IsEmpty && refusals.IsEmpty)
            {
                return;
            }

            // A writer that looked the counter up just before the swap may still add to it; the short pause lets it land.
            await Task.Yield();

            // When the store does not take them (database down, flush cancelled at shutdown), the counts go back into the
            // pending sets, added to whatever arrived meanwhile, and the next flush writes them. The store writes each
            // set in one transaction, so a failed one has written nothing and nothing is counted twice.
            if (!pending.IsEmpty)
            {
                var rows = pending.Select(p => new UsageCount(
                    DateTimeOffset.FromUnixTimeSeconds(p.Key.Hour * 3600), p.Key.Key, p.Key.Model, p.Key.Purpose,
                    Interlocked.Read(ref p.Value.Requests), Interlocked.Read(ref p.Value.Errors), Interlocked.Read(ref p.Value.Violations))).ToList();
                try
                {
                    await store.AddAsync(rows, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    foreach (var row in rows)
                    {
                        _pending.GetOrAdd((row.Bucket.ToUnixTimeSeconds() / 3600, row.KeyId, row.Model, row.Purpose), _ => new Counter())
                            .Add(row.Requests, row.Errors, row.Violations);
                    }

                    ReturnRefusals(refusals);
                    throw;
                }
            }

            if (!refusals.IsEmpty)
            {
                var rows = refusals.Select(p => new RefusalCount(
                    DateTimeOffset.FromUnixTimeSeconds(p.Key.Hour * 3600), p.Key.Key, p.Key.Model, p.Key.Reason, p.Key.Status,
                    Interlocked.Read(ref p.Value.Requests))).ToList();
                try
                {
                    await store.AddRefusalsAsync(rows, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    ReturnRefusals(refusals);
                    throw;
                }
            }
        }
        finally
        {
            _flush.Release();
        }
    }

    /// <summary>Flushes, then reads the store.</summary>
    public async Task<IReadOnlyList<UsageCount>> QueryAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.QueryAsync(keyId, model, since, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes, then reads the stored refusal counts.</summary>
    public async Task<IReadOnlyList<RefusalCount>> QueryRefusalsAsync(string? keyId, string? model, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        return await store.QueryRefusalsAsync(keyId, model, since, cancellationToken).ConfigureAwait(false);
    }

    private long Hour() => time.GetUtcNow().ToUnixTimeSeconds() / 3600;

    private void ReturnRefusals(ConcurrentDictionary<(long Hour, string Key, string Model, string Reason, int Status), Counter> refusals)
    {
        foreach (var (key, counter) in refusals)
        {
            _refusals.GetOrAdd(key, _ => new Counter()).Add(Interlocked.Read(ref counter.Requests), 0, 0);
        }
    }

    private Counter Find(string keyId, string model, string? purpose) =>
        _pending.GetOrAdd((Hour(), keyId, registry.Label(model), purpose ?? ""), _ => new Counter());

    private sealed class Counter
    {
        public long Requests;
        public long Errors;
        public long Violations;

        public void Add(long requests, long errors, long violations)
        {
            if (requests != 0)
            {
                Interlocked.Add(ref Requests, requests);
            }

            if (errors != 0)
            {
                Interlocked.Add(ref Errors, errors);
            }

            if (violations != 0)
            {
                Interlocked.Add(ref Violations, violations);
            }
        }
    }
}
