using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Warden.Core.Telemetry;

/// <summary>Warden's instruments on the <c>Warden</c> meter, exported to Prometheus by the server.</summary>
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

    public WardenMetrics(IMeterFactory meterFactory, Predictions.PredictionLog log)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("warden.inference.requests", description: "Inference requests by model, version and status code");
        _requestDuration = _meter.CreateHistogram<double>("warden.inference.request.duration", unit: "s", description: "Inference request time on the server");
        _inferenceDuration = _meter.CreateHistogram<double>("warden.inference.model.duration", unit: "s", description: "Time inside the model runtime");
        _batchSize = _meter.CreateHistogram<int>("warden.batching.batch_size", unit: "{row}", description: "Rows in each dynamically batched model run, by model and version");
        _batchQueueDelay = _meter.CreateHistogram<double>("warden.batching.queue_delay", unit: "s", description: "Time a request waited in the batching queue");
        _batchQueueDepth = _meter.CreateUpDownCounter<int>("warden.batching.queue_depth", unit: "{request}", description: "Requests waiting in the batching queue");
        _meter.CreateObservableGauge("warden.prediction_log.queue_depth", () => log.QueueDepth, description: "Predictions waiting to be written");
    }

    /// <summary>Records one finished inference request.</summary>
    public void RecordRequest(string model, string version, int status, double seconds)
    {
        var tags = new TagList { { "model", model }, { "version", version }, { "status", status } };
        _requests.Add(1, tags);
        _requestDuration.Record(seconds, tags);
    }

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

    public void Dispose() => _meter.Dispose();
}
