using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Warden.Core.Predictions;
using Warden.Core.Telemetry;

namespace Warden.Core.Tests.Telemetry;

public sealed class WardenMetricsTests
{
    [Fact]
    public void RecordRequest_tags_each_status_code_as_its_number_whether_or_not_it_is_a_kept_box()
    {
        using var factory = new OwnMeterFactory();
        using var metrics = new WardenMetrics(factory, new PredictionLog(Options.Create(new PredictionLogOptions { Enabled = false })));
        var statuses = new List<object?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (factory.Created.Contains(instrument.Meter) && instrument.Name == "warden.inference.requests")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "status")
                {
                    statuses.Add(tag.Value);
                }
            }
        });
        listener.Start();

        foreach (var status in new[] { 200, 404, 200, 599, 600, 99 })
        {
            metrics.RecordRequest("m", "1", status, 0.001);
        }

        Assert.Equal([200, 404, 200, 599, 600, 99], statuses.Select(s => Assert.IsType<int>(s)));
    }

    private sealed class OwnMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Created)
            {
                meter.Dispose();
            }
        }
    }
}
