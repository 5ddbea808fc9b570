namespace Warden.Edge;

/// <summary>
/// A consecutive-failure circuit breaker (Nygard, <i>Release It!</i>, 2007): after <c>threshold</c> failures in a row
/// calls are refused for <c>cooldown</c>; then one trial call is let through, and its success closes the breaker.
/// </summary>
public sealed class CircuitBreaker(int threshold, TimeSpan cooldown, TimeProvider time)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset? _openUntil;

    /// <summary>True when the breaker refuses calls right now.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _openUntil is { } until && time.GetUtcNow() < until;
            }
        }
    }

    /// <summary>True when a call may be attempted.</summary>
    public bool AllowCall() => !IsOpen;

    /// <summary>Records a successful call.</summary>
    public void Success()
    {
        lock (_lock)
        {
            _failures = 0;
            _openUntil = null;
        }
    }

    /// <summary>Records a failed call; opens the breaker at the threshold (or again after a failed trial call).</summary>
    public void Failure()
    {
        lock (_lock)
        {
            _failures++;
            if (_failures >= threshold)
            {
                _openUntil = time.GetUtcNow() + cooldown;
            }
        }
    }
}
