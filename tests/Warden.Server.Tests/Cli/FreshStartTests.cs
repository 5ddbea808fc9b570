using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>Runs the real <c>warden serve</c> executable on an empty data directory, as a fresh clone would.</summary>
public sealed partial class FreshStartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "warden-fresh-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Serve_on_an_empty_data_dir_prints_an_admin_key_once_and_serves_credit_risk()
    {
        var port = FreePort();
        var first = await StartAsync(port);
        try
        {
            var secret = await WaitForKeyAsync(first.Output);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var response = await client.InferAsync(V2Requests.CreditRisk());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Stop(first.Process);
        }

        // A second start on the same data directory keeps the key and prints none.
        var second = await StartAsync(port);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(client);
            Assert.DoesNotContain("wdn_", second.Output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Stop(second.Process);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, true);
        }
    }

    private async Task<(Process Process, StringBuilder Output)> StartAsync(int port)
    {
        var warden = Path.Combine(AppContext.BaseDirectory, "warden.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { warden, "serve", "--data-dir", _dataDir, "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("WARDEN_ADMIN_KEY");
        var output = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Task.Yield();
        return (process, output);
    }

    private static async Task<string> WaitForKeyAsync(StringBuilder output)
    {
        for (var i = 0; i < 600; i++)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            var match = KeyPattern().Match(text);
            if (match.Success)
            {
                return match.Value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("warden serve printed no admin key:\n" + output);
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await client.GetAsync("/v2/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("warden serve never became ready");
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
