using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Warden.Server.RateLimiting;

/// <summary>
/// Single-node limits on System.Threading.RateLimiting: <see cref="TokenBucketRateLimiter"/> and
/// <see cref="FixedWindowRateLimiter"/> with automatic replenishment off, replenished from the injected
/// <see cref="TimeProvider"/> (so limits are testable with a fake clock), and <see cref="ConcurrencyLimiter"/> gates.
/// State is per limiter name and per configuration, so changing a limit starts a fresh bucket.
/// </summary>
public sealed class InMemoryRateLimitBackend(TimeProvider time) : IRateLimitBackend, IDisposable
{
    private readonly ConcurrentDictionary<(string, double, int), Bucket> _buckets = new();
    private readonly ConcurrentDictionary<(string, long), Window> _windows = new();
    private readonly ConcurrentDictionary<(string, int), ConcurrencyLimiter> _gates = new();

    public RateLimitDecision TryTake(string name, double ratePerSecond, int burst)
    {
        var bucket = _buckets.GetOrAdd((name, ratePerSecond, burst), k => new Bucket(k.Item2, k.Item3, time.GetUtcNow()));
        var now = time.GetUtcNow();
        lock (bucket)
        {
            bucket.Replenish(now);
            using var lease = bucket.Limiter.AttemptAcquire(1);
            var available = bucket.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;
            var untilNext = bucket.Period - (now - bucket.LastReplenished);
            var reset = TimeSpan.FromSeconds(Math.Max(0, burst - available) / ratePerSecond);
            return new RateLimitDecision(lease.IsAcquired, burst, available, reset, untilNext > TimeSpan.Zero ? untilNext : bucket.Period);
        }
    }

    public RateLimitDecision TryCount(string name, long limit, DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        var permits = (int)Math.Min(limit, int.MaxValue);
        var window = _windows.GetOrAdd((name, limit), _ => new Window(permits, windowStart));
        var now = time.GetUtcNow();
        lock (window)
        {
            if (window.Start != windowStart)
            {
                // A new calendar window: refill.
                window.Limiter.TryReplenish();
                window.Start = windowStart;
            }

            using var lease = window.Limiter.AttemptAcquire(1);
            var available = window.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;
            var reset = windowEnd - now;
            return new RateLimitDecision(lease.IsAcquired, limit, available, reset, reset);
        }
    }

    public IDisposable? TryEnter(string name, int limit)
    {
        var gate = _gates.GetOrAdd((name, limit), k => new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = k.Item2, QueueLimit = 0 }));
        var lease = gate.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return null;
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Limiter.Dispose();
        }

        foreach (var window in _windows.Values)
        {
            window.Limiter.Dispose();
        }

        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    private sealed class Bucket
    {
        public Bucket(double ratePerSecond, int burst, DateTimeOffset now)
        {
            // Periods of at least 10 ms keep the replenish loop short at high rates; the bucket then refills in steps.
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(ratePerSecond * 0.01));
            Period = TimeSpan.FromSeconds(TokensPerPeriod / ratePerSecond);
            Limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = TokensPerPeriod,
                ReplenishmentPeriod = Period,
                AutoReplenishment = false,
                QueueLimit = 0,
            });
            Burst = burst;
            LastReplenished = now;
        }

        public TokenBucketRateLimiter Limiter { get; }

        public TimeSpan Period { get; }

        public int TokensPerPeriod { get; }

        public int Burst { get; }

        public DateTimeOffset LastReplenished { get; private set; }

        public void Replenish(DateTimeOffset now)
        {
            var periods = (long)((now - LastReplenished).Ticks / Period.Ticks);
            if (periods <= 0)
            {
                return;
            }

            var needed = Math.Min(periods, (Burst / TokensPerPeriod) + 1);
            for (var i = 0; i < needed; i++)
            {
                Limiter.TryReplenish();
            }

            LastReplenished += TimeSpan.FromTicks(Period.Ticks * periods);
        }
    }

    private sealed class Window(int permits, DateTimeOffset start)
    {
        public FixedWindowRateLimiter Limiter { get; } = new(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromDays(1),
            AutoReplenishment = false,
            QueueLimit = 0,
        });

        public DateTimeOffset Start { get; set; } = start;
    }
}
