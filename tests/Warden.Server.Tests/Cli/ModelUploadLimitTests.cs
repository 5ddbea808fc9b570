using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary>
/// Model deployments have their own size limit, not the inference body limit (a 64 MB ResNet18 was refused with 413 under
/// the 32 MB inference limit). Through <c>warden serve</c>, because the in-memory test server enforces no body limit.
/// </summary>
public sealed partial class ModelUploadLimitTests : IDisposable
{
    private readonly TempDataDir _dataDir = new();

    [Fact]
    public async Task A_deployment_larger_than_the_inference_body_limit_is_taken_and_one_over_the_upload_limit_is_refused_with_413()
    {
        var port = WardenProcess.FreePort();
        using var server = WardenProcess.Serve(
            new Dictionary<string, string> { ["Warden__MaxRequestBodyBytes"] = "1024", ["Warden__MaxModelUploadBytes"] = "65536" },
            "--data-dir", _dataDir.Path, "--urls", $"http://127.0.0.1:{port}", "--no-demo");
        var secret = await server.WaitForOutputAsync(KeyPattern());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        await server.WaitReadyAsync(http);
        var ct = TestContext.Current.CancellationToken;

        // ~11 KB: ten times the inference limit.
        var card = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"), ct);
        using var form = Deploy.Form(Deploy.CreditRiskOnnx(), card);
        var deployed = await http.PostAsync("/api/models/credit-risk/versions", form, ct);
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);

        // 100 KB of background: over the upload limit, refused before it is read, with the setting named.
        using var big = Deploy.Form(Deploy.CreditRiskOnnx(), card);
        big.Add(new StringContent("pirat\n" + string.Concat(Enumerable.Repeat("0.25\n", 20_000))), "background");
        // With "Expect: 100-continue" the client waits for the server's go-ahead before the body, so the early 413 arrives
        // as an answer instead of a connection reset in the middle of the upload.
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/models/credit-risk/versions") { Content = big };
        upload.Headers.ExpectContinue = true;
        var refused = await http.SendAsync(upload, ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("error").GetString();
        Assert.Contains("Warden:MaxModelUploadBytes", error, StringComparison.Ordinal);

        // Inference keeps its own, smaller limit.
        using var tooLong = new StringContent("{\"inputs\":[" + new string(' ', 4096) + "]}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await http.PostAsync("/v2/models/credit-risk/infer", tooLong, ct)).StatusCode);
    }

    [Fact]
    public async Task The_cli_shows_the_servers_413_for_a_deployment_over_the_upload_limit_rather_than_a_connection_error()
    {
        var port = WardenProcess.FreePort();
        using var server = WardenProcess.Serve(
            new Dictionary<string, string> { ["Warden__MaxModelUploadBytes"] = "65536" },
            "--data-dir", _dataDir.Path, "--urls", $"http://127.0.0.1:{port}", "--no-demo");
        var secret = await server.WaitForOutputAsync(KeyPattern());
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
        {
            await server.WaitReadyAsync(http);
        }

        // 100 KB of background: over the 64 KB upload limit. The CLI sends "Expect: 100-continue", so the server's early 413
        // reaches it as an answer; without it the server closes the connection mid-upload and the CLI reports it cannot
        // reach the server.
        var background = Path.Combine(_dataDir.Path, "background.csv");
        await File.WriteAllTextAsync(background, "pirat\n" + string.Concat(Enumerable.Repeat("0.25\n", 20_000)), TestContext.Current.CancellationToken);
        var output = new StringWriter();
        var error = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Ansi = Spectre.Console.AnsiSupport.No,
            Interactive = Spectre.Console.InteractionSupport.No,
            Out = new Spectre.Console.AnsiConsoleOutput(output),
        });
        var code = await Warden.Cli.WardenCli.RunAsync(
            ["models", "deploy", "credit-risk", "--file", Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"),
             "--background", background, "--url", $"http://127.0.0.1:{port}", "--key", secret],
            new Warden.Cli.CliContext { Console = console, Error = error });

        Assert.NotEqual(0, code);
        Assert.Contains("413", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Warden:MaxModelUploadBytes", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach the server", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _dataDir.Dispose();

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
