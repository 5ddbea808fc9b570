using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Warden.Core.Cluster;

namespace Warden.Redis.Cluster;

/// <summary>
/// Job leases in Redis. A tick claim is <c>SET key NX PX</c> on a key named after the job and its tick number, so the
/// first replica to ask wins and the others see the key; an exclusive lease is the same with a random token, renewed
/// by its holder and released only by it (compare-and-delete), so a holder that stalled past expiry cannot remove its
/// successor's lease. While Redis is unreachable nothing is claimed: a singleton job waits rather than risk running twice.
/// </summary>
public sealed partial class RedisJobLeases : IJobLeases
{
    private readonly RedisConnection _redis;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisJobLeases> _logger;

    public RedisJobLeases(RedisConnection redis, TimeProvider time, ILogger<RedisJobLeases> logger)
    {
        _redis = redis;
        _time = time;
        _logger = logger;
    }

    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    public async Task<bool> TryClaimTickAsync(string job, long tick, TimeSpan hold, CancellationToken cancellationToken = default)
    {
        var key = _redis.Key(FormattableString.Invariant($"tick:{job}:{tick}"));
        try
        {
            if (!_redis.IsAvailable)
            {
                _redis.ReportUnavailable("job_lease", "skipped", null);
                return false;
            }

            return await _redis.Database.StringSetAsync(key, Environment.MachineName + "/" + Environment.ProcessId, hold, When.NotExists).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            _redis.ReportUnavailable("job_lease", "skipped", ex);
            return false;
        }
    }

    public async Task<IJobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken = default)
    {
        var key = _redis.Key("lease:" + job);
        var token = Guid.NewGuid().ToString("N");
        var lifetime = TimeSpan.FromSeconds(_redis.Options.JobLeaseSeconds);
        try
        {
            if (!_redis.IsAvailable)
            {
                _redis.ReportUnavailable("job_lease", "skipped", null);
                return null;
            }

            if (!await _redis.Database.StringSetAsync(key, token, lifetime, When.NotExists).ConfigureAwait(false))
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            _redis.ReportUnavailable("job_lease", "skipped", ex);
            return null;
        }

        return new Lease(this, key, token, lifetime);
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not renew the lease {Key}; another replica may take the job over when it expires")]
    private partial void LogRenewFailed(Exception exception, string key);

    private sealed class Lease : IJobLease
    {
        private readonly RedisJobLeases _owner;
        private readonly string _key;
        private readonly string _token;
        private readonly TimeSpan _lifetime;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;
        private volatile bool _lost;

        public Lease(RedisJobLeases owner, string key, string token, TimeSpan lifetime)
        {
            _owner = owner;
            _key = key;
            _token = token;
            _lifetime = lifetime;
            _renewal = RenewAsync();
        }

        public bool IsHeld => !_lost;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewal.ConfigureAwait(false);
            _stop.Dispose();
            try
            {
                await _owner._redis.Database.ScriptEvaluateAsync(ReleaseScript, [_key], [_token]).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                // Unreleased, it expires after its lifetime.
                _owner.LogRenewFailed(ex, _key);
            }
        }

        private async Task RenewAsync()
        {
            using var timer = new PeriodicTimer(_lifetime / 3, _owner._time);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    try
                    {
                        var renewed = await _owner._redis.Database.ScriptEvaluateAsync(RenewScript, [_key], [_token, (long)_lifetime.TotalMilliseconds]).ConfigureAwait(false);
                        if ((long)renewed == 0)
                        {
                            // Expired while Redis was away, or Redis restarted empty: another replica may hold it now.
                            _lost = true;
                            return;
                        }
                    }
                    catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
                    {
                        // Cannot tell whether it is still ours: stop acting on it.
                        _owner.LogRenewFailed(ex, _key);
                        _lost = true;
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Released.
            }
        }
    }
}
