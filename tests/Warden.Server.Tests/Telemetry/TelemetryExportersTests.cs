using Microsoft.Extensions.Configuration;
using Warden.Server.Hosting;

namespace Warden.Server.Tests.Telemetry;

public sealed class TelemetryExportersTests
{
    [Fact]
    public void For_with_no_otel_variables_exports_nothing() =>
        Assert.False(TelemetryExporters.For(Configuration(), "TRACES").Any);

    [Fact]
    public void For_with_an_otlp_endpoint_exports_over_otlp()
    {
        Assert.Equal(new TelemetryExporters(true, false), TelemetryExporters.For(Configuration(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")), "TRACES"));
        Assert.Equal(new TelemetryExporters(true, false), TelemetryExporters.For(Configuration(("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:4318/v1/metrics")), "METRICS"));
        Assert.False(TelemetryExporters.For(Configuration(("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://127.0.0.1:4318/v1/metrics")), "TRACES").Any);
    }

    [Fact]
    public void For_with_an_exporter_list_takes_it_over_the_endpoint()
    {
        Assert.Equal(new TelemetryExporters(true, true), TelemetryExporters.For(Configuration(("OTEL_TRACES_EXPORTER", "console, otlp")), "TRACES"));
        Assert.False(TelemetryExporters.For(Configuration(("OTEL_TRACES_EXPORTER", "none"), ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")), "TRACES").Any);
        Assert.False(TelemetryExporters.For(Configuration(("OTEL_METRICS_EXPORTER", "prometheus")), "METRICS").Any);
    }

    [Fact]
    public void For_with_an_unknown_exporter_names_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TelemetryExporters.For(Configuration(("OTEL_TRACES_EXPORTER", "zipkin")), "TRACES"));
        Assert.Contains("zipkin", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
