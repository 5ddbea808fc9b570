using System.Net;
using System.Net.Http.Headers;
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
        var port = WardenProcess.FreePort();
        using (var first = WardenProcess.Serve("--data-dir", _dataDir, "--urls", $"http://127.0.0.1:{port}"))
        {
            var secret = await first.WaitForOutputAsync(KeyPattern());
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await first.WaitReadyAsync(client);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var response = await client.InferAsync(V2Requests.CreditRisk());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A second start on the same data directory keeps the key and prints none.
        using var second = WardenProcess.Serve("--data-dir", _dataDir, "--urls", $"http://127.0.0.1:{port}");
        using var again = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await second.WaitReadyAsync(again);
        Assert.DoesNotContain("wdn_", second.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, true);
        }
    }

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
