using System.Globalization;
using StackExchange.Redis;
using Warden.Core;
using Warden.Core.RateLimiting;

namespace Warden.Redis.RateLimiting;

/// <summary>
/// Limits shared by every replica. Each decision is one Lua script, so read-modify-write is atomic in Redis whatever the
/// number of replicas. Token buckets and concurrency slots are timed by Redis's own clock (<c>TIME</c>), so replicas with
/// skewed clocks agree; quota windows are the calendar windows the caller computed. While Redis is unreachable the
/// configured fail mode applies: <c>open</c> admits the request, <c>closed</c> refuses it with 503.
/// </summary>
public sealed class RedisRateLimitBackend(RedisConnection redis, TimeProvider time) : IRateLimitBackend
{
    // KEYS[1] bucket hash; ARGV rate/s, burst, cost. Continuous refill capped at burst, as the in-memory bucket; all or none of the cost is taken.
    private const string TakeScript = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local state = redis.call('HMGET', KEYS[1], 't', 'u')
        local tokens = tonumber(state[1])
        local updated = tonumber(state[2])
        if tokens == nil or updated == nil then
          tokens = burst
          updated = now
        end
        tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
        local allowed = 0
        if tokens >= cost then
          tokens = tokens - cost
          allowed = 1
        end
        redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%.17g', now))
        redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate) * 1000) + 60000)
        return {allowed, string.format('%.17g', tokens)}
        """;

    // KEYS[1] window counter; ARGV limit, expiry (unix ms), cost. Counts only admitted requests, as the in-memory window. Kept
    // at least a day, so a window the caller's clock places in the past (a skewed or test clock) is not deleted at once.
    private const string CountScript = """
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        if count + tonumber(ARGV[3]) <= tonumber(ARGV[1]) then
          count = redis.call('INCRBY', KEYS[1], ARGV[3])
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]) - now, 86400000))
          return {1, count}
        end
        return {0, count}
        """;

    // KEYS[1] sorted set of slot ids scored by expiry (ms); ARGV limit, slot id, slot lifetime (ms). Expired slots of crashed replicas are dropped first.
    private const string EnterScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
          redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
          return 1
        end
        return 0
        """;

    public RateLimitDecision TryTake(string name, double ratePerSecond, int burst, int cost = 1)
    {
        var key = redis.Key(FormattableString.Invariant($"rl:bucket:{name}:{ratePerSecond:R}:{burst}"));
        if (Evaluate(TakeScript, key, [ratePerSecond.ToString("R", CultureInfo.InvariantCulture), burst, cost], out var error) is not { } result)
        {
            return Unavailable(burst, "rate_limit", error);
        }

        var values = (RedisResult[])result!;
        var allowed = (int)values[0] == 1;
        var tokens = double.Parse((string)values[1]!, CultureInfo.InvariantCulture);
        return new RateLimitDecision(
            allowed, burst, (long)Math.Floor(tokens), TimeSpan.FromSeconds((burst - tokens) / ratePerSecond), TimeSpan.FromSeconds(Math.Max(0, cost - tokens) / ratePerSecond));
    }

    public RateLimitDecision TryCount(string name, long limit, DateTimeOffset windowStart, DateTimeOffset windowEnd, long cost = 1)
    {
        var key = redis.Key(FormattableString.Invariant($"rl:window:{name}:{limit}:{windowStart.ToUnixTimeSeconds()}"));
        // Kept a day past the window's end so a replica with a slow clock still finds the count.
        if (Evaluate(CountScript, key, [limit, windowEnd.AddDays(1).ToUnixTimeMilliseconds(), cost], out var error) is not { } result)
        {
            return Unavailable(limit, "quota", error);
        }

        var values = (RedisResult[])result!;
        var reset = windowEnd - time.GetUtcNow();
        return new RateLimitDecision((int)values[0] == 1, limit, limit - (long)values[1], reset, reset);
    }

    public IDisposable? TryEnter(string name, int limit)
    {
        var key = redis.Key(FormattableString.Invariant($"rl:slots:{name}:{limit}"));
        var slot = Guid.NewGuid().ToString("N");
        if (Evaluate(EnterScript, key, [limit, slot, redis.Options.ConcurrencySlotSeconds * 1000L], out var error) is not { } result)
        {
            Unavailable(limit, "concurrency", error);
            return new Slot(null, key, slot);
        }

        return (int)result == 1 ? new Slot(redis, key, slot) : null;
    }

    // Null when Redis cannot answer now.
    private RedisResult? Evaluate(string script, string key, RedisValue[] arguments, out Exception? error)
    {
        error = null;
        if (!redis.IsAvailable)
        {
            return null;
        }

        try
        {
            return redis.Database.ScriptEvaluate(script, [key], arguments);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            error = ex;
            return null;
        }
    }

    private string Outcome => redis.Options.OnFailure == RedisOptions.FailClosed ? "refused" : "allowed";

    // Fail open: the request passes and reports the limit untouched. Fail closed: 503, not 429 — the caller did nothing wrong.
    private RateLimitDecision Unavailable(long limit, string operation, Exception? error)
    {
        redis.ReportUnavailable(operation, Outcome, error);
        if (redis.Options.OnFailure == RedisOptions.FailClosed)
        {
            throw new WardenException(503, "rate limits cannot be checked right now (the shared limit store is unreachable); retry shortly")
            {
                Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
            };
        }

        return new RateLimitDecision(true, limit, limit, TimeSpan.FromSeconds(1), TimeSpan.Zero);
    }

    private sealed class Slot(RedisConnection? redis, string key, string id) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (redis is null || Interlocked.Exchange(ref _released, 1) == 1)
            {
                return;
            }

            try
            {
                // Fire and forget: the request is done; if the release is lost the slot expires on its own.
                redis.Database.SortedSetRemove(key, id, CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                redis.ReportUnavailable("concurrency", "release_lost", ex);
            }
        }
    }
}
