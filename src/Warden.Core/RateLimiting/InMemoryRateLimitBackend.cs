using System.Collections.Concurrent;

namespace Warden.Core.RateLimiting;

/// <summary>
/// Single-node limits. Token buckets and fixed windows are computed from the injected <see cref="TimeProvider"/> (so limits
/// are exact under a fake clock: System.Threading.RateLimiting's token bucket and fixed window measure time with
/// <c>Stopwatch</c>, even with manual replenishment); concurrency gates are counters of requests inside. State is per
/// limiter name and per configuration, so changing a limit starts afresh.
/// </summary>
public sealed class InMemoryRateLimitBackend(TimeProvider time) : IRateLimitBackend, IDisposable
{
    private readonly ConcurrentDictionary<(string, double, int), Bucket> _buckets = new();
    private readonly ConcurrentDictionary<(string, long), Window> _windows = new();
    private readonly ConcurrentDictionary<(string, int), Gate> _gates = new();

    public RateLimitDecision TryTake(string name, double ratePerSecond, int burst, int cost = 1)
    {
        var now = time.GetUtcNow();
        var bucket = _buckets.GetOrAdd((name, ratePerSecond, burst), k => new Bucket { Tokens = k.Item3, Updated = now });
        lock (bucket)
        {
            // Continuous refill (token bucket, RFC 2697's committed burst without the colour): tokens += rate × elapsed, capped at burst.
            var elapsed = Math.Max(0, (now - bucket.Updated).TotalSeconds);
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * ratePerSecond));
            bucket.Updated = now;
            var allowed = bucket.Tokens >= cost;
            if (allowed)
            {
                bucket.Tokens -= cost;
            }

            var remaining = (long)Math.Floor(bucket.Tokens);
            var reset = TimeSpan.FromSeconds((burst - bucket.Tokens) / ratePerSecond);
            var retry = TimeSpan.FromSeconds(Math.Max(0, cost - bucket.Tokens) / ratePerSecond);
            return new RateLimitDecision(allowed, burst, remaining, reset, retry);
        }
    }

    public RateLimitDecision TryCount(string name, long limit, DateTimeOffset windowStart, DateTimeOffset windowEnd, long cost = 1)
    {
        var window = _windows.GetOrAdd((name, limit), _ => new Window { Start = windowStart });
        var now = time.GetUtcNow();
        lock (window)
        {
            if (window.Start != windowStart)
            {
                window.Start = windowStart;
                window.Count = 0;
            }

            var allowed = window.Count + cost <= limit;
            if (allowed)
            {
                window.Count += cost;
            }

            var reset = windowEnd - now;
            return new RateLimitDecision(allowed, limit, limit - window.Count, reset, reset);
        }
    }

    public IDisposable? TryEnter(string name, int limit)
    {
        var gate = _gates.GetOrAdd((name, limit), _ => new Gate());
        if (Interlocked.Increment(ref gate.Inside) <= limit)
        {
            return new Slot(gate);
        }

        Interlocked.Decrement(ref gate.Inside);
        return null;
    }

    /// <summary>Nothing to release: gates hold no resources (kept for callers that own this backend).</summary>
    public void Dispose()
    {
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset Updated { get; set; }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; }

        public long Count { get; set; }
    }

    private sealed class Gate
    {
        public int Inside;
    }

    private sealed class Slot(Gate gate) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                Interlocked.Decrement(ref gate.Inside);
            }
        }
    }
}
