using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_carry_http_server_runtime_and_process_families_and_the_warden_service_name()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);

        var text = await ScrapeUntilAsync(admin, "http_server_request_duration_seconds");

        Assert.Contains("http_server_request_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("process_memory_usage_bytes", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal);
        Assert.Contains("service_name=\"warden\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown_service", text, StringComparison.Ordinal);
        Assert.Contains("warden_audit_appends_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_inference_is_counted_by_the_step_that_refused_and_logged_with_status_route_and_key_id()
    {
        var sink = new CapturingLoggerProvider(LogLevel.Information);
        using var factory = new WardenFactory { ExtraServices = s => s.AddSingleton<ILoggerProvider>(sink) };
        var admin = factory.Admin();
        var missingInput = V2Requests.CreditRisk();
        ((JsonArray)missingInput["inputs"]!).RemoveAt(0);

        var refused = await admin.InferAsync(missingInput);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var text = await ScrapeUntilAsync(admin, "warden_inference_refusals_total");
        Assert.Contains(text.Split('\n'), line => line.StartsWith("warden_inference_refusals_total{", StringComparison.Ordinal)
            && line.Contains("warden_refusal_reason=\"bind\"", StringComparison.Ordinal)
            && line.Contains("http_response_status_code=\"400\"", StringComparison.Ordinal)
            && line.Contains("warden_model=\"credit-risk\"", StringComparison.Ordinal));
        var requestLine = Assert.Single(sink.Lines, l => l.Contains("RequestLogMiddleware", StringComparison.Ordinal) && l.Contains("POST /v2/models/{model}/infer 400", StringComparison.Ordinal));
        Assert.Matches(@"key=key_[0-9a-z]+", requestLine);
        Assert.DoesNotContain(WardenFactory.AdminKey[4..], requestLine, StringComparison.Ordinal);
        Assert.DoesNotContain("pirat", requestLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inference_is_traced_through_auth_interceptors_binding_the_model_run_and_the_log_commit()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Warden" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var factory = new WardenFactory();
        var id = "traced-" + Guid.NewGuid().ToString("N");

        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk(id: id))).StatusCode);

        var inference = Assert.Single(spans, s => s.OperationName == "warden.inference" && (string?)s.GetTagItem("warden.request.id") == id);
        Assert.Equal("credit-risk", inference.GetTagItem("warden.model"));
        var trace = spans.Where(s => s.TraceId == inference.TraceId).Select(s => s.OperationName).ToList();
        Assert.Contains("warden.auth", trace);
        Assert.Contains("warden.bind", trace);
        Assert.Contains("warden.model.run", trace);
        Assert.Contains("warden.prediction_log.commit", trace);
        Assert.Contains(trace, name => name.StartsWith("warden.interceptor ", StringComparison.Ordinal));
    }

    [Fact]
    public void Console_logs_carry_a_utc_timestamp_and_trace_ids_unless_another_format_is_configured()
    {
        using var factory = new WardenFactory();
        var services = factory.Services;

        Assert.Equal(ConsoleFormatterNames.Simple, services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
        var simple = services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.Equal("yyyy-MM-ddTHH:mm:ss.fffZ ", simple.TimestampFormat);
        Assert.True(simple.UseUtcTimestamp && simple.IncludeScopes && simple.SingleLine);
        var tracking = services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions;
        Assert.True(tracking.HasFlag(ActivityTrackingOptions.TraceId) && tracking.HasFlag(ActivityTrackingOptions.SpanId));

        using var json = new WardenFactory();
        json.Settings["Logging:Console:FormatterName"] = "json";
        Assert.Equal(ConsoleFormatterNames.Json, json.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName);
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient client, string series)
    {
        // The exporter collects on scrape; an observation made just before can land in the next collection.
        var text = "";
        for (var attempt = 0; attempt < 100 && !text.Contains(series, StringComparison.Ordinal); attempt++)
        {
            text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            if (!text.Contains(series, StringComparison.Ordinal))
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        return text;
    }
}
