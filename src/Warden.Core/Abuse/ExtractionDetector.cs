using System.Collections.Concurrent;
using System.Globalization;
using Warden.Core.Statistics;

namespace Warden.Core.Abuse;

/// <summary>
/// Per-key model-extraction detector after PRADA (Juuti, Szyller, Marchal &amp; Asokan, "PRADA: Protecting against
/// DNN model stealing attacks", IEEE EuroS&amp;P 2019, Algorithm 1).
/// </summary>
/// <remarks>
/// For each key a growing set G of distinct past queries is kept. A new query x (features divided by the configured
/// scales, optionally clipped) gets d<sub>min</sub> = min over g in G of ‖x − g‖₂, which is appended to the key's
/// distance list D. x joins G only if d<sub>min</sub> exceeds the threshold T, where T = max(T, mean(D<sub>G</sub>) −
/// std(D<sub>G</sub>)) over the distances D<sub>G</sub> recorded when members joined G (the first member counts 0).
/// Once D holds <see cref="ExtractionDetectorOptions.MinimumDistances"/> values, distances more than
/// <see cref="ExtractionDetectorOptions.OutlierSigma"/> standard deviations from their mean are dropped and the
/// Shapiro–Wilk W of the rest is computed; W &lt; δ raises an alert. Natural queries give roughly bell-shaped
/// distances; synthetic probing (small perturbations around seeds, line searches) gives spiky or skewed ones.
/// Differences from the paper: one growing set per key rather than one per predicted class, and both G and D are
/// sliding windows (oldest entries evicted) so memory per key is bounded.
/// Thread-safe; a key's queries are processed one at a time.
/// </remarks>
public sealed class ExtractionDetector
{
    private readonly ExtractionDetectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, ExtractionKeyState> _keys = new(StringComparer.Ordinal);
    private readonly ExtractionReference? _reference;

    // Keyed by the reference rows and the scaling they were prepared with.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<double[]>, Tuple<ExtractionDetectorOptions, ExtractionReference>> References = new();

    /// <summary>Creates a detector; <paramref name="timeProvider"/> stamps alerts (default: system clock).</summary>
    public ExtractionDetector(ExtractionDetectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        if (options.Reference is { } reference)
        {
            // Building a reference costs O(rows² × features); detectors rebuilt on a settings change reuse it.
            if (!References.TryGetValue(reference, out var prepared) || !SameScaling(prepared.Item1, options))
            {
                prepared = Tuple.Create(options, Prepare(reference, options));
                References.AddOrUpdate(reference, prepared);
            }

            _reference = prepared.Item2;
        }
    }

    /// <summary>Number of keys with state.</summary>
    public int TrackedKeys => _keys.Count;

    /// <summary>
    /// Records one query of <paramref name="keyId"/> and returns an <see cref="AbuseAlertKind.Extraction"/> alert when
    /// the test runs and W &lt; δ (on every tested query while that holds), otherwise null.
    /// </summary>
    /// <exception cref="ArgumentException">The feature count differs from the configured scales, or a value is not finite.</exception>
    public AbuseAlert? Observe(string keyId, ReadOnlySpan<double> features)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        int dims = _options.Scales.Count;
        if (features.Length != dims)
        {
            throw new ArgumentException($"Expected {dims} features, got {features.Length}.", nameof(features));
        }

        Span<double> z = dims <= 128 ? stackalloc double[dims] : new double[dims];
        Normalise(features, z);

        var state = _keys.GetOrAdd(keyId, _ => new ExtractionKeyState(dims, _options.MaxGrowingSetSize, _options.MaxDistances, _options.AtypicalWindow));
        lock (state)
        {
            state.Queries++;
            if (state.IsReplay(z, _options.DuplicateTolerance))
            {
                return null;
            }

            state.Distinct++;
            if (_reference is not null)
            {
                state.RecordAtypical(_reference.IsAtypical(features, z));
            }

            if (state.SetCount == 0)
            {
                state.AddToSet(z, 0);
                return null;
            }

            double dmin = state.MinimumDistance(z);
            state.RecordDistance(dmin);
            if (dmin > state.Threshold)
            {
                state.AddToSet(z, dmin);
            }

            if (state.DistanceCount < _options.MinimumDistances || state.Distinct % _options.TestEvery != 0)
            {
                return null;
            }

            return TestDistances(keyId, state) ?? TestAtypical(keyId, state);
        }
    }

    private AbuseAlert? TestDistances(string keyId, ExtractionKeyState state)
    {
        var sample = state.DistancesWithoutOutliers(_options.OutlierSigma);
        if (sample.Length < ShapiroWilkTest.MinimumSize || sample.Max() - sample.Min() <= 1e-12)
        {
            // Identical distances (e.g. one repeated step) are not a distribution to test.
            return null;
        }

        double w = ShapiroWilkTest.Compute(sample).W;
        if (w >= _options.Delta)
        {
            return null;
        }

        return Alert(keyId, state, w, _options.Delta,
            string.Create(CultureInfo.InvariantCulture, $"Shapiro–Wilk W={w:F4} < δ={_options.Delta} over {sample.Length} minimum distances; growing set {state.SetCount}"));
    }

    private AbuseAlert? TestAtypical(string keyId, ExtractionKeyState state)
    {
        if (_reference is null)
        {
            return null;
        }

        int n = state.AtypicalWindowCount, k = state.AtypicalCount;
        double p = ExtractionReference.UpperTail(k, n, _options.AtypicalRate);
        if (p >= _options.AtypicalAlpha)
        {
            return null;
        }

        return Alert(keyId, state, p, _options.AtypicalAlpha,
            string.Create(CultureInfo.InvariantCulture,
                $"{k} of the last {n} distinct queries are atypical of the reference (off a discrete feature's values or farther than {_reference.DistanceBound:G4} from every reference row); binomial P(X ≥ {k} | p₀ = {_options.AtypicalRate}) = {p:G3} < α = {_options.AtypicalAlpha}"));
    }

    private AbuseAlert Alert(string keyId, ExtractionKeyState state, double statistic, double threshold, string detail) =>
        new(keyId, AbuseAlertKind.Extraction, statistic, threshold, state.Queries, _time.GetUtcNow(), detail);

    private static bool SameScaling(ExtractionDetectorOptions a, ExtractionDetectorOptions b) =>
        a.ReferenceQuantile.Equals(b.ReferenceQuantile) && a.Scales.SequenceEqual(b.Scales)
        && (a.Lower ?? []).SequenceEqual(b.Lower ?? []) && (a.Upper ?? []).SequenceEqual(b.Upper ?? []);

    private static ExtractionReference Prepare(IReadOnlyList<double[]> rows, ExtractionDetectorOptions options)
    {
        var raw = rows.Select(r => r.ToArray()).ToArray();
        var scaled = raw.Select(r =>
        {
            var z = new double[r.Length];
            Normalise(options, r, z);
            return z;
        }).ToArray();
        return new ExtractionReference(scaled, raw, options.ReferenceQuantile);
    }

    /// <summary>Drops all state of <paramref name="keyId"/> (e.g. when the key is revoked).</summary>
    public bool Forget(string keyId) => _keys.TryRemove(keyId, out _);

    private void Normalise(ReadOnlySpan<double> features, Span<double> z) => Normalise(_options, features, z);

    private static void Normalise(ExtractionDetectorOptions options, ReadOnlySpan<double> features, Span<double> z)
    {
        for (int j = 0; j < features.Length; j++)
        {
            double v = features[j];
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("Feature values must be finite.", nameof(features));
            }

            if (options.Lower is { } lower)
            {
                v = Math.Max(v, lower[j]);
            }

            if (options.Upper is { } upper)
            {
                v = Math.Min(v, upper[j]);
            }

            z[j] = v / options.Scales[j];
        }
    }
}
