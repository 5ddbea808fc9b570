using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Warden.Core.Telemetry;
using Warden.Redis;
using Warden.Server.Apis;

namespace Warden.Server.Hosting;

/// <summary>
/// OpenTelemetry and console logging for the server. Metrics are always collected and served as Prometheus text at
/// <c>/metrics</c>; traces and OTLP export follow the standard <c>OTEL_*</c> variables and stay off until one of them asks
/// (<see cref="TelemetryExporters"/>). Console log lines carry a UTC timestamp and the trace and span ids.
/// </summary>
public static class TelemetryHostBuilderExtensions
{
    /// <summary>Service name of the OpenTelemetry resource unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "warden";

    /// <summary>Adds Warden's OpenTelemetry pipeline (resource, meters, sources, exporters) and its console log format.</summary>
    public static IHostApplicationBuilder AddWardenTelemetry(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var traces = TelemetryExporters.For(configuration, "TRACES");
        var metrics = TelemetryExporters.For(configuration, "METRICS");
        var logs = TelemetryExporters.For(configuration, "LOGS");

        var otel = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(
            serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : ServiceName,
            serviceVersion: InferenceApi.ServerVersion,
            serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));

        otel.WithMetrics(meter =>
        {
            // The SDK listens to meters by name, process-wide: a process hosting several servers (the test suite) sees every
            // host's instruments, so the default limit of 1000 streams would silently drop the newest host's.
            meter.SetMaxMetricStreams(20_000);
            meter.AddMeter(WardenMetrics.MeterName)
                .AddMeter("Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter();
            ((IDeferredMeterProviderBuilder)meter).Configure((services, builder) =>
                {
                    // One view for everything: the SDK gives instruments of the same name from another host the stream it
                    // already holds for this host's, and when that other host stops it deactivates the shared stream, so this
                    // host's counts vanish from its /metrics (seen as a flaky test). Meters made by another host's meter
                    // factory are therefore dropped; a second view matching the same instrument would make a second stream
                    // that is shared again.
                    var own = services.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own)
                        ? MetricStreamConfiguration.Drop
                        : HistogramView(instrument.Name));
                });
            if (metrics.Otlp)
            {
                meter.AddOtlpExporter();
            }

            if (metrics.Console)
            {
                meter.AddConsoleExporter();
            }
        });

        if (traces.Any)
        {
            otel.WithTracing(tracing =>
            {
                tracing.AddSource(WardenActivitySource.Name)
                    .AddSource("Npgsql")
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddRedisInstrumentation(options => options.FlushInterval = TimeSpan.FromSeconds(1))
                    .ConfigureRedisInstrumentation((services, instrumentation) =>
                    {
                        // The Redis connection is made on first use, after the tracer provider is built: its commands are
                        // profiled from then on. Without a connection string there is no Redis and nothing to trace.
                        if (services.GetService<RedisConnection>() is { Options.IsConfigured: true } redis)
                        {
                            redis.WhenConnected(connection => instrumentation.AddConnection(connection));
                        }
                    });
                if (traces.Otlp)
                {
                    tracing.AddOtlpExporter();
                }

                if (traces.Console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }

        if (logs.Any)
        {
            otel.WithLogging(logging =>
            {
                if (logs.Otlp)
                {
                    logging.AddOtlpExporter();
                }

                if (logs.Console)
                {
                    logging.AddConsoleExporter();
                }
            });
        }

        // Trace and span ids go into every log line's scope; the console formats get a UTC timestamp unless configured.
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        // Without a formatter name the console logger copies its obsolete inline options over the formatter's, ignoring
        // the ones below; naming "simple" (unless configuration chose one, e.g. json) makes them count.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            if (options.TimestampFormat is null)
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                options.UseUtcTimestamp = true;
                options.SingleLine = true;
                options.IncludeScopes = true;
            }
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            if (options.TimestampFormat is null)
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.UseUtcTimestamp = true;
                options.IncludeScopes = true;
            }
        });
        return builder;
    }

    // Bucket boundaries per histogram, in the instrument's unit; a fresh configuration per call because the SDK stamps a
    // view id on the object it is given.
    private static readonly Dictionary<string, double[]> HistogramBoundaries = new(StringComparer.Ordinal)
    {
        ["warden.inference.request.duration"] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        ["warden.batching.batch_size"] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128],
        ["warden.batching.queue_delay"] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1],
        ["warden.inference.model.duration"] = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
        ["warden.prediction_log.commit.duration"] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        ["warden.prediction_log.sync.duration"] = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        ["warden.storage.checkpoint.duration"] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        ["warden.review.decision.duration"] = [60, 300, 900, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600],
        ["warden.edge.telemetry.lag"] = [1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600],
    };

    private static MetricStreamConfiguration? HistogramView(string instrument) =>
        HistogramBoundaries.TryGetValue(instrument, out var boundaries) ? new ExplicitBucketHistogramConfiguration { Boundaries = boundaries } : null;

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/v2/health", StringComparison.Ordinal);
}
