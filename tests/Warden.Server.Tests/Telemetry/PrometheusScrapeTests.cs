using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Telemetry;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>) scrapes a real Warden server on loopback, and a Warden series is read back
/// through Prometheus's query API. Skips without the binary unless CI=true. Every wait polls with a generous deadline.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const string AdminKey = "wdn_prometheus_admin_key_0123456789abcdefghijklmno";
    // A loaded CI machine can take seconds per scrape (the test process hosts many servers, and /metrics shows them all).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Prometheus_scrapes_metrics_and_answers_a_query_for_the_inference_request_count()
    {
        var binary = FindPrometheus();
        var root = Path.Combine(Path.GetTempPath(), "warden-prometheus", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var ct = TestContext.Current.CancellationToken;
        var server = WardenApp.Build([
            "--urls", "http://127.0.0.1:0",
            "--Warden:DataDir=" + Path.Combine(root, "warden"),
            "--Warden:AdminKey=" + AdminKey,
            "--Logging:LogLevel:Default=Warning",
        ]);
        Process? prometheus = null;
        try
        {
            await server.StartAsync(ct);
            var warden = new Uri(server.Urls.First());
            using (var client = new HttpClient { BaseAddress = warden, Timeout = TimeSpan.FromMinutes(2) })
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
                Assert.Equal(HttpStatusCode.OK, (await client.InferAsync(V2Requests.CreditRisk())).StatusCode);
            }

            var port = FreePort();
            var config = Path.Combine(root, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 5s
                  scrape_timeout: 5s
                scrape_configs:
                  - job_name: warden
                    metrics_path: /metrics
                    authorization:
                      type: Bearer
                      credentials: {AdminKey}
                    static_configs:
                      - targets: ["{warden.Authority}"]
                """, ct);
            prometheus = Process.Start(new ProcessStartInfo(binary)
            {
                ArgumentList =
                {
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + Path.Combine(root, "data"),
                    "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                    "--log.level=warn",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            prometheus.OutputDataReceived += (_, _) => { };
            prometheus.ErrorDataReceived += (_, _) => { };
            prometheus.BeginOutputReadLine();
            prometheus.BeginErrorReadLine();

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            var result = await QueryUntilAsync(api, prometheus, """warden_inference_requests_total{job="warden",model="credit-risk",status="200"}""", ct);

            Assert.Equal("credit-risk", result.GetProperty("metric").GetProperty("model").GetString());
            // At least our request: the SDK listens to the "Warden" meter by name, so servers of other tests in this process add theirs.
            Assert.True(double.Parse(result.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture) >= 1);
            var up = await QueryUntilAsync(api, prometheus, """up{job="warden"}""", ct);
            Assert.Equal("1", up.GetProperty("value")[1].GetString());
        }
        finally
        {
            if (prometheus is not null)
            {
                if (!prometheus.HasExited)
                {
                    prometheus.Kill(entireProcessTree: true);
                    await prometheus.WaitForExitAsync(CancellationToken.None);
                }

                prometheus.Dispose();
            }

            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Temporary files; a leftover is harmless.
            }
        }
    }

    // The first sample of the instant query's vector, once Prometheus has scraped the series.
    private static async Task<JsonElement> QueryUntilAsync(HttpClient api, Process prometheus, string query, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var last = "(no answer yet)";
        while (stopwatch.Elapsed < Deadline)
        {
            Assert.False(prometheus.HasExited, $"prometheus exited with code {(prometheus.HasExited ? prometheus.ExitCode : 0)}");
            try
            {
                last = await api.GetStringAsync("api/v1/query?query=" + Uri.EscapeDataString(query), ct);
                using var document = JsonDocument.Parse(last);
                var data = document.RootElement.GetProperty("data").GetProperty("result");
                if (data.GetArrayLength() > 0)
                {
                    return data[0].Clone();
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // A slow answer on a busy machine; ask again.
            }

            await Task.Delay(500, ct);
        }

        Assert.Fail($"Prometheus returned nothing for {query} within {Deadline.TotalSeconds} s; last answer: {last}");
        return default;
    }

    private static string FindPrometheus()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("WARDEN_TEST_PROMETHEUS"), "/usr/bin/prometheus", "/usr/local/bin/prometheus" };
        var found = candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
        if (found is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "CI=true but the prometheus binary is missing (.ci/services/prometheus.sh installs it)");
            Assert.Skip("prometheus is not installed (apt-get install prometheus)");
        }

        return found!;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
