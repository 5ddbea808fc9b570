using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Abuse;

/// <summary>
/// Feeds queued <see cref="AbuseObservation"/>s to the detectors a model's <see cref="AbusePolicy"/> turns on, off the request
/// path: <see cref="ExtractionDetector"/> (PRADA), <see cref="VolumeAnomalyDetector"/> and <see cref="FeatureSweepDetector"/>,
/// with state per key inside each. On an alert (extraction: the first per key × model; volume: at most one per key and
/// bucket; sweep: one per sweep) it stores the alert (<see cref="IAbuseAlertStore"/>), appends <c>abuse.alert</c> to the
/// audit chain, publishes <c>abuse.extraction</c>, <c>abuse.volume</c> or <c>abuse.sweep</c>, and, when the policy says so,
/// suspends the key (never the bootstrap admin key) until an admin reinstates it.
/// </summary>
public sealed class AbuseMonitor(
    ModelSettings settings, AuditLog audit, EventPublisher events, ApiKeyService keys, TimeProvider time, IAbuseAlertStore store,
    Telemetry.WardenMetrics? metrics = null, Monitoring.ReferenceProfiles? references = null, Registry.ModelRegistry? registry = null) : BackgroundService
{
    /// <summary>How long a model whose policy asks for a reference waits before looking for a missing profile again.</summary>
    public static readonly TimeSpan ReferenceRetry = TimeSpan.FromMinutes(1);

    /// <summary>Most alerts kept in memory; the oldest are dropped first (the store keeps all).</summary>
    public const int MaxAlerts = 1000;

    /// <summary>Name of the configured bootstrap admin key, which is never suspended.</summary>
    public const string BootstrapKeyName = "bootstrap-admin";

    private readonly Channel<AbuseObservation> _channel =
        Channel.CreateBounded<AbuseObservation>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly Dictionary<string, ModelState> _models = new(StringComparer.Ordinal);

    // Keys this monitor suspended. Requests admitted before the suspension are still queued behind the alert; observed,
    // they would start a fresh detection run and alert a second time for a key that is already stopped. An admin's
    // reinstatement takes the key out (Reinstate here, or, when it happened on another replica, the store says so).
    private readonly ConcurrentDictionary<string, byte> _suspended = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ModelAbuseAlert> _alerts = new();
    private long _dropped;
    private long _unobservable;
    private long _processed;

    /// <summary>Rows lost because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Requests whose inputs could not be turned into rows.</summary>
    public long Unobservable => Interlocked.Read(ref _unobservable);

    /// <summary>Rows fed to a detector so far.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>Alerts raised since start, oldest first (bounded; <see cref="IAbuseAlertStore"/> has the full history).</summary>
    public IReadOnlyList<ModelAbuseAlert> Alerts => _alerts.ToArray();

    /// <summary>The webhook event type of an alert kind.</summary>
    public static string EventType(AbuseAlertKind kind) => kind switch
    {
        AbuseAlertKind.VolumeSpike => "abuse.volume",
        AbuseAlertKind.FeatureSweep => "abuse.sweep",
        _ => "abuse.extraction",
    };

    /// <summary>True while this monitor holds <paramref name="keyId"/> as suspended (its rows are not observed).</summary>
    public bool IsSuspended(string keyId) => _suspended.ContainsKey(keyId);

    /// <summary>Forgets this monitor's suspension of <paramref name="keyId"/>: its next rows start a fresh detection run.</summary>
    public void Reinstate(string keyId) => _suspended.TryRemove(keyId, out _);

    /// <summary>Queues one row; never blocks.</summary>
    public void Enqueue(AbuseObservation observation)
    {
        if (!_channel.Writer.TryWrite(observation))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Counts a request whose inputs did not fit the row layout.</summary>
    public void CountUnobservable() => Interlocked.Increment(ref _unobservable);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        keys.Reinstated += OnReinstated;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        keys.Reinstated -= OnReinstated;
        _channel.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var observation in _channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await ObserveAsync(observation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _unobservable);
            }
        }
    }

    private void OnReinstated(object? sender, string keyId) => Reinstate(keyId);

    private async Task ObserveAsync(AbuseObservation observation)
    {
        var policy = settings.Get<AbusePolicy>(observation.Model, AbusePolicy.Kind);
        if (policy is not { Enabled: true })
        {
            return;
        }

        if (_suspended.ContainsKey(observation.KeyId))
        {
            var stored = await keys.FindAsync(observation.KeyId, CancellationToken.None).ConfigureAwait(false);
            if (stored is null || !stored.IsActive(time.GetUtcNow()))
            {
                Interlocked.Increment(ref _processed);
                return;
            }

            // Active again: reinstated on another replica. Watched afresh from here on.
            _suspended.TryRemove(observation.KeyId, out _);
        }

        if (!_models.TryGetValue(observation.Model, out var state) || !ReferenceEquals(state.Policy, policy) || state.Width != observation.Features.Length
            || (state.AwaitsReference && time.GetUtcNow() - state.Created >= ReferenceRetry))
        {
            var reference = policy is { Reference: true, Extraction: true } ? await ReferenceRowsAsync(observation.Model, policy.Features!).ConfigureAwait(false) : null;
            state = new ModelState(policy, observation.Features.Length, time, reference);
            _models[observation.Model] = state;
        }

        foreach (var alert in state.Observe(observation))
        {
            await RaiseAsync(observation, policy, state, alert).ConfigureAwait(false);
        }

        // Counted once its alerts are raised, so a caller that waits for Processed sees their effects.
        Interlocked.Increment(ref _processed);
    }

    /// <summary>
    /// The rows of the production version's reference profile sample, as the listed features in order; null when there is
    /// no profile or a feature is not a numeric column of it without missing values.
    /// </summary>
    private async Task<double[][]?> ReferenceRowsAsync(string model, IReadOnlyList<string> features)
    {
        if (references is null || registry?.FindRecord(model, null) is not { } record)
        {
            return null;
        }

        var snapshot = await references.GetAsync(model, record.Version, CancellationToken.None).ConfigureAwait(false);
        var columns = features.Select(f => snapshot?.Profile.Find(f)?.NumericSample).ToArray();
        if (columns.Any(c => c is null) || columns.Select(c => c!.Length).Distinct().Count() != 1 || columns[0]!.Length < 2)
        {
            return null;
        }

        return Enumerable.Range(0, columns[0]!.Length).Select(i => columns.Select(c => c![i]).ToArray()).ToArray();
    }

    private async Task RaiseAsync(AbuseObservation observation, AbusePolicy policy, ModelState state, AbuseAlert alert)
    {
        var suspend = policy.SuspendOnAlert && observation.KeyName != BootstrapKeyName;
        // Suspend first: an alert that says "suspended" is never visible while the key still works.
        if (suspend && _suspended.TryAdd(observation.KeyId, 0))
        {
            await keys.SuspendAsync("system", observation.KeyId, new { model = observation.Model, kind = alert.Kind.ToString() }, CancellationToken.None).ConfigureAwait(false);
            state.Forget(observation.KeyId);
        }

        var recorded = new ModelAbuseAlert(observation.Model, alert, suspend);
        metrics?.RecordAbuseAlert(observation.Model, EventType(alert.Kind));
        _alerts.Enqueue(recorded);
        while (_alerts.Count > MaxAlerts && _alerts.TryDequeue(out _))
        {
        }

        await store.AppendAsync(recorded, CancellationToken.None).ConfigureAwait(false);
        var details = new { model = observation.Model, kind = alert.Kind.ToString(), alert.Statistic, alert.Threshold, alert.QueryCount, alert.DetectedAt, alert.Detail, suspended = suspend };
        await audit.AppendAsync("system", "abuse.alert", observation.KeyId, details, CancellationToken.None).ConfigureAwait(false);
        events.Publish(EventType(alert.Kind), new { keyId = observation.KeyId, details.model, details.kind, details.Statistic, details.Threshold, details.QueryCount, details.DetectedAt, details.Detail, suspended = suspend });
    }

    /// <summary>
    /// One model's detectors and, for extraction without configured bounds, its running per-feature minimum and maximum.
    /// </summary>
    private sealed class ModelState
    {
        private readonly ExtractionDetector? _extraction;
        private readonly VolumeAnomalyDetector? _volume;
        private readonly FeatureSweepDetector? _sweep;
        private readonly double[]? _min;
        private readonly double[]? _max;

        public ModelState(AbusePolicy policy, int width, TimeProvider time, double[][]? reference = null)
        {
            Policy = policy;
            Width = width;
            Created = time.GetUtcNow();
            reference = reference is not null && reference[0].Length == width ? reference : null;
            AwaitsReference = policy is { Reference: true, Extraction: true } && reference is null;
            IReadOnlyList<double>? lower = policy.Lower, upper = policy.Upper;
            if (reference is not null && (lower is null || upper is null))
            {
                // Running min/max scaling would drift away from the reference's; its own percentiles stay put.
                lower = Percentiles(reference, 0.01);
                upper = Percentiles(reference, 0.99);
            }

            var bounded = lower is not null && upper is not null && lower.Count == width && upper.Count == width && lower.Zip(upper).All(p => p.Second > p.First);
            var scales = bounded ? lower!.Zip(upper!, (lo, hi) => hi - lo).ToArray() : null;
            if (policy.Extraction)
            {
                if (!bounded)
                {
                    _min = Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
                    _max = Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
                }

                _extraction = new ExtractionDetector(
                    new ExtractionDetectorOptions
                    {
                        Scales = scales ?? Enumerable.Repeat(1.0, width).ToArray(),
                        Lower = bounded ? lower : null,
                        Upper = bounded ? upper : null,
                        Delta = policy.Delta,
                        MinimumDistances = policy.MinimumDistances,
                        MaxDistances = Math.Max(1000, policy.MinimumDistances),
                        OutlierSigma = policy.OutlierSigma,
                        TestEvery = policy.TestEvery,
                        Reference = bounded ? reference : null,
                        AtypicalRate = policy.AtypicalRate,
                        AtypicalAlpha = policy.AtypicalAlpha,
                        AtypicalWindow = Math.Max(200, policy.MinimumDistances),
                    },
                    time);
            }

            if (policy.Volume is { } volume)
            {
                _volume = new VolumeAnomalyDetector(volume.ToOptions(), time);
            }

            if (policy.Sweep is { } sweep && width > 0)
            {
                var steps = sweep.Scales is { } given && given.Count == width ? given.ToArray()
                    : scales ?? Enumerable.Repeat(1.0, width).ToArray();
                _sweep = new FeatureSweepDetector(
                    new FeatureSweepDetectorOptions { Scales = steps, Tolerance = sweep.Tolerance, MaxStep = sweep.MaxStep, MinimumRun = sweep.MinimumRun },
                    time);
            }
        }

        public AbusePolicy Policy { get; }

        public int Width { get; }

        public DateTimeOffset Created { get; }

        /// <summary>The policy asks for a reference the model does not have (yet): look again after <see cref="ReferenceRetry"/>.</summary>
        public bool AwaitsReference { get; }

        private HashSet<string> ExtractionAlerted { get; } = new(StringComparer.Ordinal);

        public List<AbuseAlert> Observe(AbuseObservation observation)
        {
            var alerts = new List<AbuseAlert>(0);
            if (_volume?.Observe(observation.KeyId, observation.At) is { } spike)
            {
                alerts.Add(spike);
            }

            if (_sweep?.Observe(observation.KeyId, observation.Features) is { } sweep)
            {
                alerts.Add(sweep);
            }

            if (_extraction is not null && ObserveExtraction(observation.KeyId, observation.Features) is { } extraction && ExtractionAlerted.Add(observation.KeyId))
            {
                alerts.Add(extraction);
            }

            return alerts;
        }

        private static double[] Percentiles(double[][] rows, double p) =>
            Enumerable.Range(0, rows[0].Length).Select(j => ExtractionReference.QuantileOf(rows.Select(r => r[j]).ToArray(), p)).ToArray();

        public void Forget(string keyId)
        {
            _extraction?.Forget(keyId);
            _volume?.Forget(keyId);
            _sweep?.Forget(keyId);
            ExtractionAlerted.Remove(keyId);
        }

        private AbuseAlert? ObserveExtraction(string keyId, double[] features)
        {
            if (_min is null || _max is null)
            {
                return _extraction!.Observe(keyId, features);
            }

            // Without configured bounds, features are scaled by the range seen so far on this model, so units weigh alike.
            var z = new double[features.Length];
            for (var j = 0; j < features.Length; j++)
            {
                _min[j] = Math.Min(_min[j], features[j]);
                _max[j] = Math.Max(_max[j], features[j]);
                var range = _max[j] - _min[j];
                z[j] = range > 0 ? (features[j] - _min[j]) / range : 0;
            }

            return _extraction!.Observe(keyId, z);
        }
    }
}
