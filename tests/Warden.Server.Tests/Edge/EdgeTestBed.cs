using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Spectre.Console;
using Warden.Cli;
using Warden.Core.Access;
using Warden.Core.Bundles;
using Warden.Edge;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// A real server and edge agents on loopback (Kestrel, port 0) sharing a temporary root: the signer and device keys,
/// packing through <c>warden pack</c> against the running server, and clients for both sides. Timeouts are generous, as
/// the tests run on a busy shared machine.
/// </summary>
internal sealed class EdgeTestBed : IAsyncDisposable
{
    public const string AdminKey = "wdn_edge_bed_admin_key_0123456789abcdefghijklmnopqr";
    private readonly List<EdgeAgent> _agents = [];
    private WebApplication? _server;

    public EdgeTestBed()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "signer.pem"), Signer.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(Root, "signer.pub.pem"), EcKeys.PublicPem(Signer));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "warden-edge-bed", Guid.NewGuid().ToString("N"));

    public ECDsa Signer { get; } = EcKeys.Generate();

    public ECDiffieHellman Device { get; } = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public Uri? Server { get; private set; }

    /// <summary>The running server's services (its stores), for checks the HTTP API does not expose.</summary>
    public IServiceProvider ServerServices => _server?.Services ?? throw new InvalidOperationException("the server is not running");

    public async Task<Uri> StartServerAsync(string url = "http://127.0.0.1:0")
    {
        _server = WardenApp.Build([
            "--urls", url,
            "--Warden:DataDir=" + Path.Combine(Root, "server"),
            "--Warden:AdminKey=" + AdminKey,
            "--Warden:Edge:TrustedKeyFiles:0=" + Path.Combine(Root, "signer.pub.pem"),
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _server.StartAsync(TestContext.Current.CancellationToken);
        Server = new Uri(_server.Urls.First() + "/");
        return Server;
    }

    public async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public static HttpClient Client(Uri baseAddress, string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    /// <summary>Creates a key on the server and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(object request)
    {
        using var admin = Client(Server!);
        using var created = await admin.PostAsJsonAsync("api/keys", request, TestContext.Current.CancellationToken);
        created.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("secret").GetString()!;
    }

    public async Task PutSettingsAsync(string model, string kind, string json)
    {
        using var admin = Client(Server!);
        using var response = await admin.PutAsync($"api/models/{model}/settings/{kind}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs the CLI in-process; returns the exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Out, string Error)> CliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext { Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }), Error = error };
        var code = await WardenCli.RunAsync(args, context);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Packs <paramref name="model"/> from the running server with <c>warden pack</c> and uploads the bundle; returns its bytes.</summary>
    public async Task<byte[]> PackAndUploadAsync(string model, params string[] extra)
    {
        var file = Path.Combine(Root, Guid.NewGuid().ToString("N") + ".wdn");
        var (code, _, error) = await CliAsync(
            ["pack", model, "--url", Server!.ToString(), "--key", AdminKey, "--out", file, "--sign-key", Path.Combine(Root, "signer.pem"), .. extra]);
        Assert.True(code == 0, error);
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        using var admin = Client(Server);
        using var upload = new ByteArrayContent(bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        (await admin.PostAsync("edge/bundles", upload, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        return bytes;
    }

    public EdgeAgent Agent(string dataDir = "device", IReadOnlyList<ApiKeyRecord>? localKeys = null, string listen = "http://127.0.0.1:0", ECDiffieHellman? deviceKey = null,
        TimeProvider? time = null, Microsoft.Extensions.Logging.ILogger? logger = null, string? deviceId = null)
    {
        var agent = new EdgeAgent(new EdgeAgentOptions
        {
            Server = Server ?? new Uri("http://127.0.0.1:9/"),
            ApiKey = AdminKey,
            DeviceKeyPem = (deviceKey ?? Device).ExportPkcs8PrivateKeyPem(),
            TrustedSignerPems = [EcKeys.PublicPem(Signer)],
            DataDir = Path.Combine(Root, dataDir),
            DeviceId = deviceId ?? dataDir,
            Listen = listen,
            FallbackTimeout = TimeSpan.FromSeconds(60),
            LocalKeys = localKeys ?? [],
        }, time, logger);
        _agents.Add(agent);
        return agent;
    }

    public static async Task<(int Status, JsonElement Body)> InferAsync(HttpClient http, string model, System.Text.Json.Nodes.JsonNode request, string? purposeHeader = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"v2/models/{model}/infer") { Content = V2Requests.Json(request) };
        if (purposeHeader is not null)
        {
            message.Headers.Add("X-Warden-Purpose", purposeHeader);
        }

        using var response = await http.SendAsync(message, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await StopServerAsync();
        Signer.Dispose();
        Device.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
