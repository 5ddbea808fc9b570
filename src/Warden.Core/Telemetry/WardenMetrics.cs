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

    public WardenMetrics(IMeterFactory meterFactory, Predictions.PredictionLog log)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("warden.inference.requests", description: "Inference requests by model, version and status code");
        _requestDuration = _meter.CreateHistogram<double>("warden.inference.request.duration", unit: "s", description: "Inference request time on the server");
        _inferenceDuration = _meter.CreateHistogram<double>("warden.inference.model.duration", unit: "s", description: "Time inside the model runtime");
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

    public void Dispose() => _meter.Dispose();
}
