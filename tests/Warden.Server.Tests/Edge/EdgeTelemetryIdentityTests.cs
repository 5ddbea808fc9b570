using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Warden.Contracts.Edge;
using Warden.Core.Bundles;
using Warden.Core.EdgeFleet;
using Bed = Warden.Server.Tests.Edge.EdgeTestBed;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// Telemetry is the device's own word: signed with its key, bound to its id at the first registration, kept apart per
/// sequence epoch so a wiped device loses nothing, and every refusal visible on the device.
/// </summary>
public sealed class EdgeTelemetryIdentityTests
{
    private static async Task<HttpResponseMessage> PostSignedAsync(HttpClient http, string path, object body, ECDiffieHellman? signWith)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (signWith is not null)
        {
            using var signer = DeviceSignature.SigningKey(signWith);
            request.Headers.Add(DeviceSignature.Header, DeviceSignature.Sign(signer, bytes));
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static TelemetryBatch Batch(string device, string epoch, int from, int count) => new()
    {
        DeviceId = device,
        Epoch = epoch,
        Records = Enumerable.Range(from, count).Select(i => new TelemetryRecord
        {
            Sequence = i,
            Time = DateTimeOffset.UnixEpoch.AddSeconds(i),
            Kind = "prediction",
            Data = JsonSerializer.SerializeToElement(new { id = "forged-" + i }),
        }).ToList(),
    };

    private static async Task<List<TelemetryRecord>> StoredAsync(Uri server, string device)
    {
        using var admin = Bed.Client(server);
        return (await admin.GetFromJsonAsync<List<TelemetryRecord>>($"edge/telemetry/{device}", TestContext.Current.CancellationToken))!;
    }

    [Fact]
    public async Task Another_key_can_neither_register_nor_post_telemetry_for_a_registered_device_and_the_devices_records_are_kept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var server = await bed.StartServerAsync();
        var agent = bed.Agent("device-1");
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));

        // A consumer key (allowed to infer, hence to post telemetry for its own device) with a device key of its own.
        var consumer = await bed.CreateKeyAsync(new { name = "other-device", role = "consumer" });
        using var http = Bed.Client(server, consumer);
        using var stranger = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var takeover = new DeviceRegistration { DeviceId = "device-1", Channel = "stable", PublicKey = EcKeys.PublicPem(stranger) };
        using (var refused = await PostSignedAsync(http, "edge/devices", takeover, stranger))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("bound to another device key", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        // A registration carrying the device's public key but not signed by it proves nothing.
        var replayed = new DeviceRegistration { DeviceId = "device-1", Channel = "stable", PublicKey = EcKeys.PublicPem(bed.Device) };
        using (var refused = await PostSignedAsync(http, "edge/devices", replayed, stranger))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // Telemetry under the device's id: signed by the wrong key, or not signed at all, is refused and stores nothing.
        using (var forged = await PostSignedAsync(http, "edge/telemetry", Batch("device-1", agent.Telemetry.Epoch, 1, 50), stranger))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Contains(EcKeys.KeyId(bed.Device), await forged.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var unsigned = await PostSignedAsync(http, "edge/telemetry", Batch("device-1", agent.Telemetry.Epoch, 1, 50), signWith: null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }

        // An id nobody registered cannot be posted for either.
        using (var unknown = await PostSignedAsync(http, "edge/telemetry", Batch("device-9", "e1", 1, 1), stranger))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
            Assert.Contains("not registered", await unknown.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        Assert.Empty(await StoredAsync(server, "device-1"));

        // The device's own 50 records all arrive.
        for (var i = 0; i < 50; i++)
        {
            agent.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "real-" + i }));
        }

        Assert.True(await agent.UploadTelemetryAsync(ct));
        var stored = await StoredAsync(server, "device-1");
        Assert.Equal(50, stored.Count);
        Assert.All(stored, r => Assert.StartsWith("real-", r.Data!.Value.GetProperty("id").GetString(), StringComparison.Ordinal));
        Assert.All(stored, r => Assert.Equal(agent.Telemetry.Epoch, r.Epoch));
    }

    [Fact]
    public async Task A_wiped_device_starts_a_new_epoch_and_the_server_keeps_its_new_records()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var server = await bed.StartServerAsync();
        var before = bed.Agent("device-1");
        await before.StartAsync(background: false, ct);
        Assert.True(await before.SyncAsync(ct));
        for (var i = 0; i < 100; i++)
        {
            before.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "before-" + i }));
        }

        Assert.True(await before.UploadTelemetryAsync(ct));
        var firstEpoch = before.Telemetry.Epoch;
        await before.DisposeAsync();

        // The data directory is wiped; the device keeps its key and its id, and numbers from 1 again.
        Directory.Delete(Path.Combine(bed.Root, "device-1"), recursive: true);
        var after = bed.Agent("device-1");
        await after.StartAsync(background: false, ct);
        Assert.True(await after.SyncAsync(ct));
        for (var i = 0; i < 100; i++)
        {
            after.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "after-" + i }));
        }

        Assert.NotEqual(firstEpoch, after.Telemetry.Epoch);
        Assert.Equal(1, after.Telemetry.Peek(1)[0].Sequence);
        Assert.True(await after.UploadTelemetryAsync(ct));

        var stored = await StoredAsync(server, "device-1");
        Assert.Equal(200, stored.Count);
        Assert.Equal(100, stored.Count(r => r.Epoch == after.Telemetry.Epoch && r.Data!.Value.GetProperty("id").GetString()!.StartsWith("after-", StringComparison.Ordinal)));

        using var local = Bed.Client(after.Address!, key: null);
        var telemetry = JsonDocument.Parse(await local.GetStringAsync("edge/status", ct)).RootElement.GetProperty("telemetry");
        Assert.Equal(100, telemetry.GetProperty("accepted_by_server").GetInt64());
        Assert.Equal(0, telemetry.GetProperty("duplicates_by_server").GetInt64());
        Assert.Equal(0, telemetry.GetProperty("pending").GetInt32());
        Assert.Equal(after.Telemetry.Epoch, telemetry.GetProperty("epoch").GetString());
    }

    [Fact]
    public async Task A_device_whose_id_is_bound_to_another_key_reports_the_refusal_and_keeps_its_records()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        var owner = bed.Agent("device-1");
        await owner.StartAsync(background: false, ct);
        Assert.True(await owner.SyncAsync(ct));

        using var otherKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var impostor = bed.Agent("impostor", deviceKey: otherKey, deviceId: "device-1");
        await impostor.StartAsync(background: false, ct);
        Assert.False(await impostor.SyncAsync(ct));
        Assert.Equal(409, impostor.LastServerRefusal!.Status);

        impostor.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "held" }));
        Assert.False(await impostor.UploadTelemetryAsync(ct));
        Assert.Equal(1, impostor.Telemetry.Pending);

        using var local = Bed.Client(impostor.Address!, key: null);
        var status = JsonDocument.Parse(await local.GetStringAsync("edge/status", ct)).RootElement;
        var refusal = status.GetProperty("server_refusal");
        Assert.Equal(403, refusal.GetProperty("status").GetInt32());
        Assert.Equal("telemetry", refusal.GetProperty("request").GetString());
        Assert.Contains("signed with its device key", refusal.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, status.GetProperty("telemetry").GetProperty("pending").GetInt32());
    }

    [Fact]
    public async Task An_admin_unbinds_a_device_id_so_a_reprovisioned_device_registers_with_its_new_key_and_the_old_key_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var server = await bed.StartServerAsync();
        var old = bed.Agent("device-1");
        await old.StartAsync(background: false, ct);
        Assert.True(await old.SyncAsync(ct));

        // The device is re-provisioned with a new key: the id is still bound to the old one.
        using var newKey = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var reprovisioned = bed.Agent("device-1-new", deviceKey: newKey, deviceId: "device-1");
        await reprovisioned.StartAsync(background: false, ct);
        Assert.False(await reprovisioned.SyncAsync(ct));
        Assert.Equal(409, reprovisioned.LastServerRefusal!.Status);

        // Only an admin may release the id; an unknown device is 404.
        var deployer = await bed.CreateKeyAsync(new { name = "deployer", role = "deployer" });
        using (var http = Bed.Client(server, deployer))
        using (var refused = await http.PostAsync("edge/devices/device-1/unbind", null, ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var admin = Bed.Client(server);
        using (var unknown = await admin.PostAsync("edge/devices/device-9/unbind", null, ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("device-9", await unknown.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }

        using (var unbound = await admin.PostAsJsonAsync("edge/devices/device-1/unbind", new { reason = "board replaced" }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, unbound.StatusCode);
            var answer = await unbound.Content.ReadFromJsonAsync<DeviceUnbinding>(ct);
            Assert.Equal("device-1", answer!.DeviceId);
            Assert.Equal(EcKeys.KeyId(bed.Device), answer.ReleasedKeyId);
        }

        // The new key registers and its telemetry is kept; the old key can neither post nor take the id back.
        Assert.True(await reprovisioned.SyncAsync(ct));
        reprovisioned.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "new-1" }));
        Assert.True(await reprovisioned.UploadTelemetryAsync(ct));
        old.Telemetry.Append("prediction", JsonSerializer.SerializeToElement(new { id = "old-1" }));
        Assert.False(await old.UploadTelemetryAsync(ct));
        Assert.Equal(403, old.LastServerRefusal!.Status);
        Assert.False(await old.SyncAsync(ct));
        Assert.Equal(409, old.LastServerRefusal!.Status);
        Assert.Equal(["new-1"], (await StoredAsync(server, "device-1")).Select(r => r.Data!.Value.GetProperty("id").GetString()));

        // The audit chain names who released which key and why.
        var audit = JsonDocument.Parse(await admin.GetStringAsync("api/audit?limit=500", ct)).RootElement;
        var entry = audit.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "edge.device.unbind");
        Assert.Equal("device-1", entry.GetProperty("target").GetString());
        Assert.Contains(EcKeys.KeyId(bed.Device), entry.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("board replaced", entry.GetRawText(), StringComparison.Ordinal);
    }
}
