using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Core.Telemetry;

/// <summary>
/// Warden's instruments on the <c>Warden</c> meter, exported by the server's OpenTelemetry SDK (Prometheus at
/// <c>/metrics</c>, OTLP when configured). Names and units follow OpenTelemetry's conventions: dot-separated, a unit per
/// instrument (<c>s</c> for durations, <c>{thing}</c> annotations for counts), attributes namespaced under <c>warden.</c>
/// (the first four instruments keep their original <c>model</c>/<c>version</c>/<c>status</c> labels so existing
/// dashboards keep working). Model labels go through the registry's label so made-up names cannot grow the series.
/// </summary>
public sealed class WardenMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "Warden";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _inferenceDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchQueueDelay;
    private readonly UpDownCounter<int> _batchQueueDepth;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _rateLimitRejections;
    private readonly Histogram<double> _logCommitDuration;
    private readonly Histogram<double> _logSyncDuration;
    private readonly Histogram<double> _checkpointDuration;
    private readonly Counter<long> _logWritten;
    private readonly Counter<long> _auditAppends;
    private readonly Counter<long> _driftEvaluations;
    private readonly Counter<long> _fairnessAudits;
    private readonly Histogram<double> _reviewDecisionTime;
    private readonly Counter<long> _abuseAlerts;
    private readonly Histogram<double> _edgeTelemetryLag;
    private readonly Counter<long> _pruned;
    private Func<long>? _reviewQueueSize;

    public WardenMetrics(IMeterFactory meterFactory, Predictions.PredictionLog log)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("warden.inference.requests", description: "Inference requests by model, version and status code");
        _requestDuration = _meter.CreateHistogram<double>("warden.inference.request.duration", unit: "s", description: "Inference request time on the server");
        _inferenceDuration = _meter.CreateHistogram<double>("warden.inference.model.duration", unit: "s", description: "Time inside the model runtime");
        _batchSize = _meter.CreateHistogram<int>("warden.batching.batch_size", unit: "{row}", description: "Rows in each dynamically batched model run, by model and version");
        _batchQueueDelay = _meter.CreateHistogram<double>("warden.batching.queue_delay", unit: "s", description: "Time a request waited in the batching queue");
        _batchQueueDepth = _meter.CreateUpDownCounter<int>("warden.batching.queue_depth", unit: "{request}", description: "Requests waiting in the batching queue");
        _meter.CreateObservableGauge("warden.prediction_log.queue_depth", () => log.QueueDepth, unit: "{prediction}", description: "Predictions waiting to be written");
        _refusals = _meter.CreateCounter<long>("warden.inference.refusals", unit: "{request}", description: "Inference requests refused, by model, reason (the step that refused) and HTTP status");
        _rateLimitRejections = _meter.CreateCounter<long>("warden.rate_limit.rejections", unit: "{request}", description: "Requests rejected by a rate limit, quota, concurrency cap or overload guard, by model and limit");
        _logCommitDuration = _meter.CreateHistogram<double>("warden.prediction_log.commit.duration", unit: "s", description: "Time to write one batch of predictions to the store");
        _logSyncDuration = _meter.CreateHistogram<double>("warden.prediction_log.sync.duration", unit: "s",
            description: "Time of one group sync (fsync) of the WAL that makes the log's pipelined commits durable (SQLite, SyncMode=pipelined)");
        _checkpointDuration = _meter.CreateHistogram<double>("warden.storage.checkpoint.duration", unit: "s",
            description: "Time of one checkpoint of SQLite's WAL into the database file, by mode: passive (beside the log's commits) or restart (before a commit, holding it up)");
        _logWritten = _meter.CreateCounter<long>("warden.prediction_log.written", unit: "{prediction}", description: "Predictions written to the store");
        _auditAppends = _meter.CreateCounter<long>("warden.audit.appends", unit: "{entry}", description: "Entries appended to the audit chain, by action");
        _driftEvaluations = _meter.CreateCounter<long>("warden.drift.evaluations", unit: "{evaluation}", description: "Scheduled drift evaluations, by model and outcome (alert, no_alert)");
        _fairnessAudits = _meter.CreateCounter<long>("warden.fairness.audits", unit: "{audit}", description: "Fairness audits run, by model and outcome (passed, failed, no_policy)");
        _meter.CreateObservableGauge("warden.review.queue.size", MeasureReviewQueue, unit: "{item}", description: "Review items waiting for a decision (pending, claimed or escalated)");
        _reviewDecisionTime = _meter.CreateHistogram<double>("warden.review.decision.duration", unit: "s", description: "Time from a review item's creation to its decision, by model and outcome");
        _abuseAlerts = _meter.CreateCounter<long>("warden.abuse.alerts", unit: "{alert}", description: "Abuse alerts raised, by model and kind");
        _edgeTelemetryLag = _meter.CreateHistogram<double>("warden.edge.telemetry.lag", unit: "s", description: "Age of edge telemetry records when the server receives them");
        _pruned = _meter.CreateCounter<long>("warden.prediction_log.pruned", unit: "{prediction}", description: "Predictions deleted by the retention job, by model");
    }

    /// <summary>Records one finished inference request.</summary>
    public void RecordRequest(string model, string version, int status, double seconds)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "status", BoxedStatus(status) } };
        _requests.Add(1, tags);
        _requestDuration.Record(seconds, tags);
    }

    // HTTP status codes boxed once: a tag value is an object, and boxing the status anew cost an allocation per request.
    private static readonly object[] StatusBoxes = [.. Enumerable.Range(100, 500).Select(code => (object)code)];

    private static object BoxedStatus(int status) => status is >= 100 and < 600 ? StatusBoxes[status - 100] : status;

    /// <summary>Records model runtime time.</summary>
    public void RecordInference(string model, string version, double seconds) =>
        _inferenceDuration.Record(seconds, new TagList { { "model", model }, { "version", version } });

    /// <summary>Records the rows of one batched run.</summary>
    public void RecordBatchSize(string model, string version, int rows) =>
        _batchSize.Record(rows, new TagList { { "model", model }, { "version", version } });

    /// <summary>Records how long one request waited for its batch.</summary>
    public void RecordBatchQueueDelay(string model, string version, double seconds) =>
        _batchQueueDelay.Record(seconds, new TagList { { "model", model }, { "version", version } });

    /// <summary>Requests joined (+) or left (-) a version's batching queue.</summary>
    public void RecordBatchQueueChange(string model, string version, int change) =>
        _batchQueueDepth.Add(change, new TagList { { "model", model }, { "version", version } });

    /// <summary>Counts one refused inference: <paramref name="reason"/> names the step that refused (an interceptor, binding, the log).</summary>
    public void RecordRefusal(string model, string reason, int status) =>
        _refusals.Add(1, new TagList { { "warden.model", model }, { "warden.refusal.reason", reason }, { "http.response.status_code", status } });

    /// <summary>Counts one request rejected by <paramref name="limit"/> (rate, quota, concurrency, overload).</summary>
    public void RecordRateLimitRejection(string model, string limit) =>
        _rateLimitRejections.Add(1, new TagList { { "warden.model", model }, { "warden.rate_limit.limit", limit } });

    /// <summary>Records one committed batch of the prediction log.</summary>
    public void RecordLogCommit(int records, double seconds)
    {
        _logCommitDuration.Record(seconds);
        _logWritten.Add(records);
    }

    /// <summary>Records one completed group sync of the prediction log's WAL.</summary>
    public void RecordLogSync(double seconds) => _logSyncDuration.Record(seconds);

    /// <summary>Records one WAL checkpoint; <paramref name="mode"/> is <c>passive</c> or <c>restart</c>.</summary>
    public void RecordCheckpoint(string mode, double seconds) =>
        _checkpointDuration.Record(seconds, new TagList { { "warden.checkpoint.mode", mode } });

    /// <summary>Counts one audit chain entry.</summary>
    public void RecordAuditAppend(string action) => _auditAppends.Add(1, new TagList { { "warden.audit.action", action } });

    /// <summary>Counts one scheduled drift evaluation.</summary>
    public void RecordDriftEvaluation(string model, bool alerted) =>
        _driftEvaluations.Add(1, new TagList { { "warden.model", model }, { "warden.drift.outcome", alerted ? "alert" : "no_alert" } });

    /// <summary>Counts one fairness audit; <paramref name="passed"/> is null when the model has no fairness policy.</summary>
    public void RecordFairnessAudit(string model, bool? passed) =>
        _fairnessAudits.Add(1, new TagList { { "warden.model", model }, { "warden.fairness.outcome", passed switch { true => "passed", false => "failed", null => "no_policy" } } });

    /// <summary>Observes the review queue's size through <paramref name="size"/> (set by the review queue when it exists).</summary>
    public void ObserveReviewQueue(Func<long> size) => _reviewQueueSize = size;

    /// <summary>Records the time a review item waited for its decision.</summary>
    public void RecordReviewDecision(string model, string outcome, double seconds) =>
        _reviewDecisionTime.Record(seconds, new TagList { { "warden.model", model }, { "warden.review.outcome", outcome } });

    /// <summary>Counts one abuse alert.</summary>
    public void RecordAbuseAlert(string model, string kind) =>
        _abuseAlerts.Add(1, new TagList { { "warden.model", model }, { "warden.abuse.kind", kind } });

    /// <summary>Records how old an edge telemetry record was on arrival.</summary>
    public void RecordEdgeTelemetryLag(double seconds) => _edgeTelemetryLag.Record(Math.Max(0, seconds));

    /// <summary>Counts predictions deleted by retention.</summary>
    public void RecordPruned(string model, long records) => _pruned.Add(records, new TagList { { "warden.model", model } });

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> MeasureReviewQueue() =>
        _reviewQueueSize is { } size ? [new Measurement<long>(size())] : [];
}
