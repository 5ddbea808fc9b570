using Warden.Core.Audit;
using Warden.Core.Drift;
using Warden.Core.Events;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Storage;

namespace Warden.Core.Monitoring;

/// <summary>
/// Drift of live traffic: the inputs and score output of a version's logged single-row predictions are tested against the
/// version's <see cref="ReferenceSnapshot"/> with <see cref="DriftAnalyzer"/> (PSI included, the score as prediction
/// drift). When the reference is labelled, CBPE estimates quality per window and realised quality is computed where
/// ground truth has arrived. Scheduled evaluation of <c>drift-rules</c> raises <c>drift.alert</c> and stores every evaluation
/// (<see cref="IDriftHistoryStore"/>) for drift over time.
/// </summary>
public sealed class LiveDriftService
{
    /// <summary>Event type of a drift alert.</summary>
    public const string AlertEvent = "drift.alert";

    private const int MaxRows = 1_000_000;
    private readonly IPredictionStore _predictions;
    private readonly IFeedbackStore _feedback;
    private readonly ReferenceProfiles _references;
    private readonly ModelRegistry _registry;
    private readonly ModelSettings _settings;
    private readonly EventPublisher _events;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Telemetry.WardenMetrics? _metrics;
    private readonly IDriftHistoryStore? _history;
    private readonly Cluster.IJobLeases? _leases;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastRun = new(StringComparer.Ordinal);

    public LiveDriftService(
        IPredictionStore predictions, IFeedbackStore feedback, ReferenceProfiles references, ModelRegistry registry, ModelSettings settings,
        EventPublisher events, AuditLog audit, TimeProvider time, Telemetry.WardenMetrics? metrics = null, Cluster.IJobLeases? leases = null,
        IDriftHistoryStore? history = null)
    {
        _metrics = metrics;
        _leases = leases;
        _history = history;
        _predictions = predictions;
        _feedback = feedback;
        _references = references;
        _registry = registry;
        _settings = settings;
        _events = events;
        _audit = audit;
        _time = time;
    }

    /// <summary>Analyses traffic since <paramref name="since"/>; throws 404/400 when there is no reference or no traffic.</summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version; the production version when null.</param>
    /// <param name="since">Window start; all history when null.</param>
    /// <param name="window">Rows per quality window (all rows in one when null).</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<DriftReport> AnalyzeAsync(string model, string? version, DateTimeOffset? since, int? window, CancellationToken cancellationToken = default)
    {
        var rules = _settings.Get<DriftRulesSettings>(model, DriftRulesSettings.Kind);
        version ??= rules?.Version ?? ProductionOf(model);
        var reference = await _references.GetAsync(model, version, cancellationToken).ConfigureAwait(false)
            ?? throw WardenException.NotFound(
                $"version {version} of '{model}' has no reference profile; upload one with PUT /api/models/{model}/versions/{version}/reference (CSV)");
        var scoreOutput = ModelRegistry.ReadCard(_registry.Models[model].FindVersion(version)!).ScoreOutput;
        var hasScore = scoreOutput is not null && reference.Profile.Find(scoreOutput) is not null;
        // Categorical features (STRING inputs) are read from the log as text and compared by category.
        var categorical = reference.Profile.Features.Where(f => f.Kind == FeatureKind.Categorical).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var logged = await LoggedColumns.ReadAsync(
            _predictions, model, version, [.. reference.Profile.Features.Select(f => f.Name)], categorical, hasScore ? scoreOutput : null, since, MaxRows,
            includeIds: hasScore && reference.Scores is { Length: > 0 } && reference.Labels is not null, cancellationToken)
            .ConfigureAwait(false);
        if (logged.Count == 0)
        {
            throw WardenException.BadRequest($"no logged single-row predictions of '{model}' version {version} in the window");
        }

        var current = logged.Columns;
        var options = new DriftOptions
        {
            ComputePsi = true,
            PredictionColumn = hasScore ? scoreOutput : null,
            DriftShare = rules?.DriftShare ?? 0.5,
        };
        var report = new DriftAnalyzer(_time).Analyze(reference.Profile, current, options);
        if (hasScore && reference.Scores is { Length: > 0 } refScores && reference.Labels is { } refLabels)
        {
            var estimator = ConfidenceBasedPerformanceEstimator.Fit(refScores, refLabels);
            var labelled = (await _feedback.QueryLabeledAsync(model, since, MaxRows, cancellationToken).ConfigureAwait(false))
                .Where(l => l.Prediction.Version == version)
                .ToDictionary(l => l.Prediction.Id, l => l.Label, StringComparer.Ordinal);
            var labels = logged.Ids!.Select(id => labelled.TryGetValue(id, out var l) ? LabelValues.IsPositive(l, rules?.PositiveLabel) : (bool?)null).ToArray();
            report = report with { Performance = PerformanceMonitor.Evaluate(estimator, logged.Scores!, labels, Math.Max(1, window ?? logged.Count)) };
        }

        var alertRules = rules?.ToRules() ?? DriftAlertRule.Defaults;
        return report with { Alerts = DriftAlertRule.EvaluateAll(report, alertRules) };
    }

    /// <summary>Evaluates every model's <c>drift-rules</c> whose interval has passed; returns the reports that raised alerts.</summary>
    public async Task<IReadOnlyList<(string Model, DriftReport Report)>> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var alerted = new List<(string, DriftReport)>();
        foreach (var registered in _registry.Models.Values)
        {
            var rules = _settings.Get<DriftRulesSettings>(registered.Name, DriftRulesSettings.Kind);
            var version = rules?.Version ?? registered.ProductionVersion;
            if (rules is null || version is null)
            {
                continue;
            }

            var now = _time.GetUtcNow();
            if (_lastRun.TryGetValue(registered.Name, out var last) && now - last < TimeWindow.Parse(rules.Interval, "interval"))
            {
                continue;
            }

            var since = now - TimeWindow.Parse(rules.Window, "window");
            if (await _references.GetAsync(registered.Name, version, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            // Counting needs no columns: read at most MinRows ids before paying for the full analysis. An evaluation
            // skipped for too few rows does not start the interval: the next tick looks again, so an alert is raised
            // as soon as the window holds enough rows, not an interval later.
            var window = await LoggedColumns.ReadAsync(_predictions, registered.Name, version, [], null, since, Math.Max(1, rules.MinRows), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (window.Count < rules.MinRows)
            {
                continue;
            }

            // The last run is remembered per process; across replicas, whichever claims a scheduler tick must not evaluate
            // again a rule another replica evaluated within the interval: one claim per model and interval.
            var interval = TimeWindow.Parse(rules.Interval, "interval");
            if (_leases is not null && !await _leases.TryClaimTickAsync($"drift-rules:{registered.Name}", now.Ticks / interval.Ticks, interval * 2, cancellationToken).ConfigureAwait(false))
            {
                _lastRun[registered.Name] = now;
                continue;
            }

            _lastRun[registered.Name] = now;

            var report = await AnalyzeAsync(registered.Name, version, since, null, cancellationToken).ConfigureAwait(false);
            _metrics?.RecordDriftEvaluation(registered.Name, report.Alerts.Count > 0);
            if (_history is not null)
            {
                // Every scheduled evaluation is kept (not only those that alert), so the history shows the scores approach a threshold.
                await _history.AppendAsync(ToEvaluation(registered.Name, version, now, since, report), cancellationToken).ConfigureAwait(false);
            }

            if (report.Alerts.Count == 0)
            {
                continue;
            }

            var details = new
            {
                model = registered.Name,
                version,
                window = rules.Window,
                rows = report.CurrentRows,
                driftShare = report.DriftShare,
                alerts = report.Alerts.Select(a => new { kind = a.Rule.Kind.ToString(), feature = a.Rule.Feature, threshold = a.Rule.Threshold, value = a.Value, message = a.Message }).ToList(),
            };
            await _audit.AppendAsync("system", AlertEvent, $"{registered.Name}:{version}", details, cancellationToken).ConfigureAwait(false);
            _events.Publish(AlertEvent, details);
            alerted.Add((registered.Name, report));
        }

        return alerted;
    }

    private static DriftEvaluation ToEvaluation(string model, string version, DateTimeOffset at, DateTimeOffset since, DriftReport report) => new()
    {
        Model = model,
        Version = version,
        Time = at,
        WindowStart = since,
        Rows = report.CurrentRows,
        DriftShare = report.DriftShare,
        DatasetDrift = report.DatasetDrift,
        Alerts = report.Alerts.Count,
        Features = (report.Prediction is { } prediction ? report.Features.Append(prediction) : report.Features)
            .Select(f => new DriftFeatureScore(f.Name, f.Test.ToString(), double.IsFinite(f.Score) ? f.Score : null, f.Threshold, f.Drifted)).ToList(),
    };

    private string ProductionOf(string model) =>
        !_registry.Models.TryGetValue(model, out var registered) ? throw WardenException.NotFound($"model '{model}' is not found")
        : registered.ProductionVersion ?? throw WardenException.BadRequest($"model '{model}' has no production version; name a version");
}
