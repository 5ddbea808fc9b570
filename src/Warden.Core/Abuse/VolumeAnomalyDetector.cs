using System.Collections.Concurrent;
using System.Globalization;

namespace Warden.Core.Abuse;

/// <summary>
/// Flags a key whose request count in the current time bucket exceeds k times its usual rate, where the usual
/// rate is an exponentially weighted moving average over closed buckets (Roberts, "Control chart tests based on
/// geometric moving averages", Technometrics 1, 1959): S<sub>t</sub> = α·c<sub>t</sub> + (1 − α)·S<sub>t−1</sub>,
/// S<sub>1</sub> = c<sub>1</sub>.
/// </summary>
/// <remarks>
/// Buckets are aligned to multiples of <see cref="VolumeAnomalyDetectorOptions.BucketWidth"/> since the Unix epoch
/// of the injected <see cref="TimeProvider"/>. Buckets in which the key sent nothing count as zero (closed form
/// S ← (1 − α)<sup>m</sup>·S for m empty buckets). A key is flagged once per bucket, on the request that makes the
/// count exceed max(k·S, <see cref="VolumeAnomalyDetectorOptions.MinimumCount"/> − 1), and only after
/// <see cref="VolumeAnomalyDetectorOptions.WarmupBuckets"/> closed buckets. The spike itself enters the average
/// when its bucket closes, so a sustained new rate stops alerting after a while. Thread-safe.
/// </remarks>
public sealed class VolumeAnomalyDetector
{
    private readonly VolumeAnomalyDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, VolumeKeyState> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a detector reading the clock from <paramref name="timeProvider"/>.</summary>
    public VolumeAnomalyDetector(VolumeAnomalyDetectorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _time = timeProvider;
    }

    /// <summary>Number of keys with state.</summary>
    public int TrackedKeys => _keys.Count;

    /// <summary>Records one request of <paramref name="keyId"/> now; returns a <see cref="AbuseAlertKind.VolumeSpike"/> alert or null.</summary>
    public AbuseAlert? Observe(string keyId) => Observe(keyId, _time.GetUtcNow());

    /// <summary>
    /// Records one request of <paramref name="keyId"/> made at <paramref name="now"/> (for callers that observe queued
    /// requests after the fact); times must not go backwards per key, an older time counts in the current bucket.
    /// </summary>
    public AbuseAlert? Observe(string keyId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        long bucket = now.ToUnixTimeMilliseconds() / (long)_options.BucketWidth.TotalMilliseconds;
        var state = _keys.GetOrAdd(keyId, static (_, b) => new VolumeKeyState { Bucket = b }, bucket);

        lock (state)
        {
            if (bucket > state.Bucket)
            {
                CloseBuckets(state, bucket);
            }

            state.Count++;
            state.Queries++;
            double usual = _options.Multiplier * state.Ewma;
            double threshold = Math.Max(usual, _options.MinimumCount - 1);
            if (state.AlertedInBucket || state.ClosedBuckets < _options.WarmupBuckets || state.Count <= threshold)
            {
                return null;
            }

            state.AlertedInBucket = true;
            return new AbuseAlert(
                keyId,
                AbuseAlertKind.VolumeSpike,
                state.Count,
                threshold,
                state.Queries,
                now,
                string.Create(CultureInfo.InvariantCulture,
                    $"{state.Count} requests in the current {_options.BucketWidth} bucket > {_options.Multiplier} × usual {state.Ewma:F2}"));
        }
    }

    /// <summary>The key's current EWMA of requests per bucket, or null if the key is unknown.</summary>
    public double? UsualRate(string keyId) => _keys.TryGetValue(keyId, out var s) ? s.Ewma : null;

    /// <summary>Drops all state of <paramref name="keyId"/>.</summary>
    public bool Forget(string keyId) => _keys.TryRemove(keyId, out _);

    private void CloseBuckets(VolumeKeyState state, long bucket)
    {
        double alpha = _options.Alpha;
        state.Ewma = state.ClosedBuckets == 0 ? state.Count : alpha * state.Count + (1 - alpha) * state.Ewma;
        long empty = bucket - state.Bucket - 1;
        if (empty > 0)
        {
            state.Ewma *= Math.Pow(1 - alpha, empty);
        }

        state.ClosedBuckets += 1 + empty;
        state.Bucket = bucket;
        state.Count = 0;
        state.AlertedInBucket = false;
    }
}
