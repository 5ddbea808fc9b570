using System.Collections.Concurrent;
using System.Globalization;

namespace Warden.Core.Abuse;

/// <summary>
/// Flags a key whose successive queries change exactly one feature, always in the same direction and by small
/// steps, for at least L queries: the one-feature-at-a-time probing used to map a model's decision boundary or
/// partial dependence (cf. the path-finding attack of Tramèr et al., "Stealing machine learning models via
/// prediction APIs", USENIX Security 2016).
/// </summary>
/// <remarks>
/// For consecutive queries x and y, Δⱼ = (yⱼ − xⱼ)/scaleⱼ. A step continues the sweep when exactly one |Δⱼ| exceeds
/// <see cref="FeatureSweepDetectorOptions.Tolerance"/>, that |Δⱼ| ≤ <see cref="FeatureSweepDetectorOptions.MaxStep"/>,
/// and j and sign(Δⱼ) equal those of the previous step; a qualifying step on another feature or direction starts
/// a new sweep, anything else ends it. One alert per sweep, when it reaches
/// <see cref="FeatureSweepDetectorOptions.MinimumRun"/> queries. Thread-safe.
/// </remarks>
public sealed class FeatureSweepDetector
{
    private readonly FeatureSweepDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SweepKeyState> _keys = new(StringComparer.Ordinal);

    /// <summary>Creates a detector; <paramref name="timeProvider"/> stamps alerts (default: system clock).</summary>
    public FeatureSweepDetector(FeatureSweepDetectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Records one query of <paramref name="keyId"/>; returns a <see cref="AbuseAlertKind.FeatureSweep"/> alert or null.</summary>
    /// <exception cref="ArgumentException">The feature count differs from the configured scales.</exception>
    public AbuseAlert? Observe(string keyId, ReadOnlySpan<double> features)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        int dims = _options.Scales.Count;
        if (features.Length != dims)
        {
            throw new ArgumentException($"Expected {dims} features, got {features.Length}.", nameof(features));
        }

        var state = _keys.GetOrAdd(keyId, _ => new SweepKeyState(dims));
        lock (state)
        {
            state.Queries++;
            AbuseAlert? alert = null;
            if (state.HasPrevious)
            {
                alert = Step(keyId, state, features);
            }

            features.CopyTo(state.Previous);
            state.HasPrevious = true;
            return alert;
        }
    }

    /// <summary>Drops all state of <paramref name="keyId"/>.</summary>
    public bool Forget(string keyId) => _keys.TryRemove(keyId, out _);

    private AbuseAlert? Step(string keyId, SweepKeyState state, ReadOnlySpan<double> features)
    {
        int changed = -1;
        double delta = 0;
        for (int j = 0; j < features.Length; j++)
        {
            double d = (features[j] - state.Previous[j]) / _options.Scales[j];
            if (!(Math.Abs(d) <= _options.Tolerance))
            {
                if (changed >= 0)
                {
                    changed = -2;
                    break;
                }

                changed = j;
                delta = d;
            }
        }

        if (changed < 0 || !(Math.Abs(delta) <= _options.MaxStep))
        {
            // Several features moved, nothing moved, a big jump, or a non-finite value: no sweep.
            state.Feature = -1;
            state.Run = 1;
            return null;
        }

        int direction = Math.Sign(delta);
        if (changed == state.Feature && direction == state.Direction)
        {
            state.Run++;
        }
        else
        {
            state.Feature = changed;
            state.Direction = direction;
            state.Run = 2;
        }

        if (state.Run != _options.MinimumRun)
        {
            return null;
        }

        return new AbuseAlert(
            keyId,
            AbuseAlertKind.FeatureSweep,
            state.Run,
            _options.MinimumRun,
            state.Queries,
            _time.GetUtcNow(),
            string.Create(CultureInfo.InvariantCulture,
                $"{state.Run} successive queries changed only feature {changed} ({(direction > 0 ? "increasing" : "decreasing")}, last step {delta:G4} scale units)"));
    }
}
