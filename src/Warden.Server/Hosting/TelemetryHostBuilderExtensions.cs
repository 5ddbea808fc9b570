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
            // host's instruments as separate streams, so the default limit of 1000 would silently drop the newest host's.
            meter.SetMaxMetricStreams(20_000);
            meter.AddMeter(WardenMetrics.MeterName)
                .AddMeter("Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddView("warden.inference.request.duration", Buckets(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
                .AddView("warden.batching.batch_size", Buckets(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128))
                .AddView("warden.batching.queue_delay", Buckets(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1))
                .AddView("warden.inference.model.duration", Buckets(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1))
                .AddView("warden.prediction_log.commit.duration", Buckets(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5))
                .AddView("warden.review.decision.duration", Buckets(60, 300, 900, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600))
                .AddView("warden.edge.telemetry.lag", Buckets(1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600))
                .AddPrometheusExporter();
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

    private static ExplicitBucketHistogramConfiguration Buckets(params double[] boundaries) => new() { Boundaries = boundaries };

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/v2/health", StringComparison.Ordinal);
}
