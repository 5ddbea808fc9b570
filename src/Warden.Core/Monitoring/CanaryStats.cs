namespace Warden.Core.Monitoring;

/// <summary>Counters and latencies of requests a canary answered under one version of the rollout plan (thread-safe).</summary>
public sealed class CanaryStats
{
    private const int MaxSamples = 100_000;
    private readonly List<double> _latencies = [];
    private long _attempted;
    private long _succeeded;

    /// <summary>Canary requests whose inputs were accepted (client mistakes are not canary errors).</summary>
    public long Attempted => Interlocked.Read(ref _attempted);

    /// <summary>Canary requests answered.</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    /// <summary>Share of accepted canary requests that failed.</summary>
    public double ErrorRate => Attempted == 0 ? 0 : Math.Max(0, Attempted - Succeeded) / (double)Attempted;

    /// <summary>Counts an accepted request.</summary>
    public void Attempt() => Interlocked.Increment(ref _attempted);

    /// <summary>Counts an answered request and its latency.</summary>
    public void Succeed(double latencyMs)
    {
        Interlocked.Increment(ref _succeeded);
        lock (_latencies)
        {
            if (_latencies.Count < MaxSamples)
            {
                _latencies.Add(latencyMs);
            }
        }
    }

    /// <summary>Nearest-rank 99th percentile of latencies (Hyndman &amp; Fan 1996, definition 1); null when none.</summary>
    public double? P99()
    {
        lock (_latencies)
        {
            return Percentile.NearestRank(_latencies, 0.99);
        }
    }
}
