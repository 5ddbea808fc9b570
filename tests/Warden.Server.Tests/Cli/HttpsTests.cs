using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Spectre.Console;
using Warden.Cli;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>The real <c>warden serve</c> on HTTPS with a configured certificate, and HSTS when enabled.</summary>
public sealed partial class HttpsTests : IDisposable
{
    private const string Password = "pfx-Pa55word-for-the-test";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "warden-https-" + Guid.NewGuid().ToString("N"));

    public HttpsTests() => Directory.CreateDirectory(_dir);

    [Fact]
    public async Task Serve_with_a_certificate_answers_over_tls_with_that_certificate_and_sends_hsts_on_every_answer()
    {
        using var certificate = SelfSigned();
        var pfx = Path.Combine(_dir, "warden.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, Password), TestContext.Current.CancellationToken);
        var port = WardenProcess.FreePort();
        using var server = WardenProcess.Serve(
            new Dictionary<string, string> { ["WARDEN_CERTIFICATE_PASSWORD"] = Password },
            "--data-dir", Path.Combine(_dir, "data"), "--urls", $"https://127.0.0.1:{port}", "--certificate", pfx, "--hsts");

        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                presented = cert?.Thumbprint;
                return cert?.Thumbprint == certificate.Thumbprint;
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        await server.WaitReadyAsync(client);
        Assert.Equal(certificate.Thumbprint, presented);

        // ASP.NET's HSTS middleware leaves loopback host names alone, so ask as a named host.
        var secret = await server.WaitForOutputAsync(KeyPattern());
        using var ready = new HttpRequestMessage(HttpMethod.Get, "/v2/health/ready") { Headers = { Host = "warden.example" } };
        var answer = await client.SendAsync(ready, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("max-age=2592000", string.Join(",", answer.Headers.GetValues("Strict-Transport-Security")));

        using var anonymous = new HttpRequestMessage(HttpMethod.Post, "/v2/models/credit-risk/infer") { Headers = { Host = "warden.example" }, Content = System.Net.Http.Json.JsonContent.Create(V2Requests.CreditRisk()) };
        var refused = await client.SendAsync(anonymous, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Strict-Transport-Security"));

        using var infer = new HttpRequestMessage(HttpMethod.Post, "/v2/models/credit-risk/infer") { Content = System.Net.Http.Json.JsonContent.Create(V2Requests.CreditRisk()) };
        infer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(infer, TestContext.Current.CancellationToken)).StatusCode);

        Assert.DoesNotContain(Password, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_a_missing_certificate_or_a_key_without_one_in_one_line()
    {
        foreach (var (args, message) in new[]
        {
            (new[] { "--certificate", Path.Combine(_dir, "missing.pfx") }, "does not exist"),
            (new[] { "--certificate-key", Path.Combine(_dir, "key.pem") }, "--certificate-key needs --certificate"),
            (new[] { "stray" }, "unexpected argument 'stray'"),
        })
        {
            var error = new StringWriter();
            var context = new CliContext { Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()) }), Error = error };
            var code = await WardenCli.RunAsync(["serve", "--data-dir", Path.Combine(_dir, "data"), .. args], context);
            Assert.NotEqual(0, code);
            Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=warden.example", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("warden.example");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
