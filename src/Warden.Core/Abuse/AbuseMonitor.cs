using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Warden.Core.Access;
using Warden.Core.Audit;
using Warden.Core.Events;
using Warden.Core.Settings;

namespace Warden.Core.Abuse;

/// <summary>
/// Feeds queued <see cref="AbuseObservation"/>s to one <see cref="ExtractionDetector"/> per model (state per key inside it),
/// off the request path. On the first alert of a key × model it appends <c>abuse.alert</c> to the audit chain, publishes
/// <c>abuse.extraction</c>, keeps the alert in a bounded in-memory list and, when the model's <see cref="AbusePolicy"/>
/// says so, revokes the key (never the bootstrap admin key).
/// </summary>
public sealed class AbuseMonitor(ModelSettings settings, AuditLog audit, EventPublisher events, ApiKeyService keys, TimeProvider time) : BackgroundService
{
    /// <summary>Most alerts kept in memory; the oldest are dropped first.</summary>
    public const int MaxAlerts = 1000;

    /// <summary>Name of the configured bootstrap admin key, which is never suspended.</summary>
    public const string BootstrapKeyName = "bootstrap-admin";

    private readonly Channel<AbuseObservation> _channel =
        Channel.CreateBounded<AbuseObservation>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly Dictionary<string, ModelState> _models = new(StringComparer.Ordinal);
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

    /// <summary>Recent alerts, oldest first.</summary>
    public IReadOnlyList<ModelAbuseAlert> Alerts => _alerts.ToArray();

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

    public override Task StopAsync(CancellationToken cancellationToken)
    {
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

    private async Task ObserveAsync(AbuseObservation observation)
    {
        var policy = settings.Get<AbusePolicy>(observation.Model, AbusePolicy.Kind);
        if (policy is not { Enabled: true })
        {
            return;
        }

        if (!_models.TryGetValue(observation.Model, out var state) || !ReferenceEquals(state.Policy, policy) || state.Width != observation.Features.Length)
        {
            state = new ModelState(policy, observation.Features.Length, time);
            _models[observation.Model] = state;
        }

        var alert = state.Observe(observation.KeyId, observation.Features);
        Interlocked.Increment(ref _processed);
        if (alert is null || !state.Alerted.Add(observation.KeyId))
        {
            return;
        }

        var suspend = policy.SuspendOnAlert && observation.KeyName != BootstrapKeyName;
        var recorded = new ModelAbuseAlert(observation.Model, alert, suspend);
        _alerts.Enqueue(recorded);
        while (_alerts.Count > MaxAlerts && _alerts.TryDequeue(out _))
        {
        }

        var details = new { model = observation.Model, kind = alert.Kind.ToString(), alert.Statistic, alert.Threshold, alert.QueryCount, alert.DetectedAt, alert.Detail, suspended = suspend };
        await audit.AppendAsync("system", "abuse.alert", observation.KeyId, details, CancellationToken.None).ConfigureAwait(false);
        events.Publish("abuse." + alert.Kind.ToString().ToLowerInvariant(), new { keyId = observation.KeyId, details.model, details.kind, details.Statistic, details.Threshold, details.QueryCount, details.DetectedAt, details.Detail, suspended = suspend });
        if (suspend)
        {
            await keys.RevokeAsync("system", observation.KeyId, CancellationToken.None).ConfigureAwait(false);
            state.Forget(observation.KeyId);
        }
    }

    /// <summary>One model's detector and, without configured bounds, its running per-feature minimum and maximum.</summary>
    private sealed class ModelState
    {
        private readonly ExtractionDetector _detector;
        private readonly double[]? _min;
        private readonly double[]? _max;

        public ModelState(AbusePolicy policy, int width, TimeProvider time)
        {
            Policy = policy;
            Width = width;
            var bounded = policy.Lower is { } lower && policy.Upper is { } upper && lower.Count == width && upper.Count == width;
            if (!bounded)
            {
                _min = Enumerable.Repeat(double.PositiveInfinity, width).ToArray();
                _max = Enumerable.Repeat(double.NegativeInfinity, width).ToArray();
            }

            _detector = new ExtractionDetector(
                new ExtractionDetectorOptions
                {
                    Scales = bounded ? policy.Lower!.Zip(policy.Upper!, (lo, hi) => hi - lo).ToArray() : Enumerable.Repeat(1.0, width).ToArray(),
                    Lower = bounded ? policy.Lower : null,
                    Upper = bounded ? policy.Upper : null,
                    Delta = policy.Delta,
                    MinimumDistances = policy.MinimumDistances,
                    MaxDistances = Math.Max(1000, policy.MinimumDistances),
                    OutlierSigma = policy.OutlierSigma,
                    TestEvery = policy.TestEvery,
                },
                time);
        }

        public AbusePolicy Policy { get; }

        public int Width { get; }

        public HashSet<string> Alerted { get; } = new(StringComparer.Ordinal);

        public AbuseAlert? Observe(string keyId, double[] features)
        {
            if (_min is null || _max is null)
            {
                return _detector.Observe(keyId, features);
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

            return _detector.Observe(keyId, z);
        }

        public void Forget(string keyId)
        {
            _detector.Forget(keyId);
            Alerted.Remove(keyId);
        }
    }
}
