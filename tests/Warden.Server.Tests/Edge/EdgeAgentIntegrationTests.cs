using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Warden.Contracts.Edge;
using Warden.Core.Bundles;
using Warden.Core.Onnx.Quantization;
using Warden.Edge;

namespace Warden.Server.Tests.Edge;

/// <summary>Server and edge agent on loopback (Kestrel, port 0), with the server going away and coming back.</summary>
public sealed class EdgeAgentIntegrationTests : IAsyncDisposable
{
    private const string AdminKey = "wdn_edge_test_admin_key_0123456789abcdefghijklmnopq";
    private static readonly string ModelDir = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "warden-edge-tests", Guid.NewGuid().ToString("N"));
    private readonly System.Security.Cryptography.ECDsa _signer = EcKeys.Generate();
    private readonly System.Security.Cryptography.ECDiffieHellman _device = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    private WebApplication? _server;

    public EdgeAgentIntegrationTests()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "signer.pub.pem"), EcKeys.PublicPem(_signer));
    }

    public async ValueTask DisposeAsync()
    {
        await StopServerAsync();
        _signer.Dispose();
        _device.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<Uri> StartServerAsync(string url)
    {
        _server = WardenApp.Build([
            "--urls", url,
            "--Warden:DataDir=" + Path.Combine(_root, "server"),
            "--Warden:AdminKey=" + AdminKey,
            "--Warden:Edge:TrustedKeyFiles:0=" + Path.Combine(_root, "signer.pub.pem"),
            // The server is restarted on the URL it had, so it cannot take the default gRPC port (REST port + 1): another
            // test may hold that port by then. The agent speaks REST only.
            "--Warden:Grpc:Urls=none",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _server.StartAsync(TestContext.Current.CancellationToken);
        return new Uri(_server.Urls.First() + "/");
    }

    private async Task StopServerAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
            _server = null;
        }
    }

    private static HttpClient Client(Uri baseAddress, string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    private byte[] PackQuantizedBundle(string model, string bundleId, bool encrypt)
    {
        var contents = ModelDirectoryBundle.Read(ModelDir, model);
        var (int8, _) = ModelQuantizer.Quantize(contents.Model, new QuantizationOptions { LowerLinearRegressors = true });
        using var devicePublic = EcKeys.LoadAgreementKey(EcKeys.PublicPem(_device));
        return new BundlePacker(TimeProvider.System).Pack(ModelDirectoryBundle.WithModel(contents, int8), new BundlePackOptions
        {
            Model = model,
            Version = "1",
            BundleId = bundleId,
            Channel = "stable",
            Quantization = "int8 dynamic perchannel",
            EncryptFor = encrypt ? devicePublic : null,
        }, _signer);
    }

    private EdgeAgent Agent(Uri server) => new(new EdgeAgentOptions
    {
        Server = server,
        ApiKey = AdminKey,
        DeviceKeyPem = _device.ExportPkcs8PrivateKeyPem(),
        TrustedSignerPems = [EcKeys.PublicPem(_signer)],
        DataDir = Path.Combine(_root, "device"),
        DeviceId = "device-1",
        Listen = "http://127.0.0.1:0",
        // Offline cases below fail fast (connection refused), so the timeout only has to outlast a freshly restarted
        // server's first answer on a loaded CI machine; 2 s did not (its first telemetry upload timed out).
        FallbackTimeout = TimeSpan.FromSeconds(60),
        BreakerThreshold = 2,
        BreakerCooldown = TimeSpan.FromMinutes(5),
    });

    // The first HMDA row: pirat .221, hirat .221, lvrat .8, chist 5, mhist 2, the rest 0 except hschool.
    private static StringContent Request(string id) => new($$"""
        {"id":"{{id}}","inputs":[
        {"name":"pirat","datatype":"FP32","shape":[1,1],"data":[0.221]},{"name":"hirat","datatype":"FP32","shape":[1,1],"data":[0.221]},
        {"name":"lvrat","datatype":"FP32","shape":[1,1],"data":[0.8]},{"name":"chist","datatype":"FP32","shape":[1,1],"data":[5]},
        {"name":"mhist","datatype":"FP32","shape":[1,1],"data":[2]},{"name":"phist","datatype":"FP32","shape":[1,1],"data":[0]},
        {"name":"unemp","datatype":"FP32","shape":[1,1],"data":[3.9]},{"name":"selfemp","datatype":"FP32","shape":[1,1],"data":[0]},
        {"name":"insurance","datatype":"FP32","shape":[1,1],"data":[0]},{"name":"condomin","datatype":"FP32","shape":[1,1],"data":[0]},
        {"name":"single","datatype":"FP32","shape":[1,1],"data":[0]},{"name":"hschool","datatype":"FP32","shape":[1,1],"data":[1]}]}
        """, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> InferAsync(HttpClient http, string model, string id)
    {
        using var response = await http.PostAsync($"v2/models/{model}/infer", Request(id));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static float Probability(JsonElement body) =>
        body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetSingle();

    [Fact]
    public async Task Agent_serves_offline_buffers_telemetry_and_uploads_it_exactly_once_when_the_server_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await StartServerAsync("http://127.0.0.1:0");
        using (var admin = Client(server))
        {
            using var upload = new ByteArrayContent(PackQuantizedBundle("credit-risk-edge", "edge-b1", encrypt: true));
            upload.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var uploaded = await admin.PostAsync("edge/bundles", upload, ct);
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            var listed = await admin.GetFromJsonAsync<List<EdgeBundleInfo>>("edge/bundles?channel=stable", ct);
            Assert.True(Assert.Single(listed!).Encrypted);
        }

        // Online: the agent syncs, answers its own model and forwards the other to the server.
        var agent = Agent(server);
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        Assert.Equal("edge-b1", agent.Models["credit-risk-edge"].Manifest.BundleId);
        using (var local = Client(agent.Address!, key: null))
        using (var direct = Client(server))
        {
            var (status, edgeAnswer) = await InferAsync(local, "credit-risk-edge", "r0");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("edge", edgeAnswer.GetProperty("parameters").GetProperty("answered_by").GetString());
            var (fallbackStatus, serverAnswer) = await InferAsync(local, "credit-risk", "r1");
            Assert.Equal(HttpStatusCode.OK, fallbackStatus);
            Assert.Equal("server", serverAnswer.GetProperty("parameters").GetProperty("answered_by").GetString());

            // The int8 model on the device and the float model on the server agree on this applicant.
            Assert.True(Math.Abs(Probability(edgeAnswer) - Probability(serverAnswer)) < 0.02f);
        }

        // Offline: the server stops; local inference continues, also after the agent itself restarts from disk.
        var serverUrl = server.ToString().TrimEnd('/');
        await StopServerAsync();
        await agent.DisposeAsync();
        agent = Agent(server);
        await agent.StartAsync(background: false, ct);
        Assert.False(await agent.SyncAsync(ct));
        Assert.True(agent.Models.ContainsKey("credit-risk-edge"));
        using (var local = Client(agent.Address!, key: null))
        {
            for (var i = 2; i < 7; i++)
            {
                var (status, body) = await InferAsync(local, "credit-risk-edge", "r" + i);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal("edge", body.GetProperty("parameters").GetProperty("answered_by").GetString());
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await InferAsync(local, "credit-risk", "f1")).Status);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await InferAsync(local, "credit-risk", "f2")).Status);
            var (open, openBody) = await InferAsync(local, "credit-risk", "f3");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, open);
            Assert.Contains("circuit open", openBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.False(await agent.UploadTelemetryAsync(ct));
        Assert.Equal(6, agent.Telemetry.Pending);
        Assert.Equal(6, agent.Predictions.Count());

        // Back online: everything buffered arrives once. A batch resent after a lost acknowledgement is recognised.
        await StartServerAsync(serverUrl);
        Assert.True(await agent.UploadTelemetryAsync(ct));
        Assert.Equal(0, agent.Telemetry.Pending);
        using (var admin = Client(server))
        {
            var stored = await admin.GetFromJsonAsync<List<TelemetryRecord>>("edge/telemetry/device-1", ct);
            Assert.Equal([1L, 2, 3, 4, 5, 6], stored!.Select(r => r.Sequence));
            Assert.Equal(["r0", "r2", "r3", "r4", "r5", "r6"], stored!.Select(r => r.Data!.Value.GetProperty("id").GetString()));
            var resendBody = JsonSerializer.SerializeToUtf8Bytes(
                new TelemetryBatch { DeviceId = "device-1", Epoch = agent.Telemetry.Epoch, Records = stored!.Take(3).ToList() }, JsonSerializerOptions.Web);
            using var signer = Warden.Core.EdgeFleet.DeviceSignature.SigningKey(_device);
            using var resendContent = new ByteArrayContent(resendBody);
            resendContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            resendContent.Headers.Add(Warden.Core.EdgeFleet.DeviceSignature.Header, Warden.Core.EdgeFleet.DeviceSignature.Sign(signer, resendBody));
            var resend = await admin.PostAsync("edge/telemetry", resendContent, ct);
            var ack = await resend.Content.ReadFromJsonAsync<TelemetryAck>(ct);
            Assert.Equal(0, ack!.Accepted);
            Assert.Equal(3, ack.Duplicates);
            Assert.Equal(6, (await admin.GetFromJsonAsync<List<TelemetryRecord>>("edge/telemetry/device-1", ct))!.Count);

            // Revocation: at the next sync the device stops serving the bundle.
            Assert.True(await agent.SyncAsync(ct));
            Assert.True(agent.Models.ContainsKey("credit-risk-edge"));
            (await admin.PostAsync("edge/bundles/edge-b1/revoke", null, ct)).EnsureSuccessStatusCode();
            Assert.True(await agent.SyncAsync(ct));
            Assert.False(agent.Models.ContainsKey("credit-risk-edge"));

            var audit = await admin.GetStringAsync("api/audit?limit=500", ct);
            Assert.Contains("edge.bundle.upload", audit, StringComparison.Ordinal);
            Assert.Contains("edge.device.register", audit, StringComparison.Ordinal);
            Assert.Contains("edge.bundle.revoke", audit, StringComparison.Ordinal);
            var verify = await admin.GetStringAsync("api/audit/verify", ct);
            Assert.Contains("\"valid\":true", verify, StringComparison.Ordinal);
        }

        await agent.DisposeAsync();
    }

    [Fact]
    public async Task Server_refuses_bundles_from_an_untrusted_signer_and_consumers_cannot_upload()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await StartServerAsync("http://127.0.0.1:0");
        using var stranger = EcKeys.Generate();
        var contents = ModelDirectoryBundle.Read(ModelDir, "credit-risk");
        var foreign = new BundlePacker(TimeProvider.System).Pack(contents, new BundlePackOptions { Model = "credit-risk", Version = "1" }, stranger);
        using var admin = Client(server);
        using var body = new ByteArrayContent(foreign);
        var refused = await admin.PostAsync("edge/bundles", body, ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("UnknownSigner", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        var created = await admin.PostAsJsonAsync("api/keys", new { name = "device", role = "consumer" }, ct);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("secret").GetString();
        using var consumer = Client(server, secret);
        using var signed = new ByteArrayContent(new BundlePacker(TimeProvider.System).Pack(contents, new BundlePackOptions { Model = "credit-risk", Version = "1" }, _signer));
        Assert.Equal(HttpStatusCode.Forbidden, (await consumer.PostAsync("edge/bundles", signed, ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await consumer.GetAsync("edge/bundles?channel=stable", ct)).StatusCode);
    }
}
