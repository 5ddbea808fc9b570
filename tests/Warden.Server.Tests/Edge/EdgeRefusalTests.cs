using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Bundles;
using Warden.Server.Tests.Infrastructure;
using Bed = Warden.Server.Tests.Edge.EdgeTestBed;

namespace Warden.Server.Tests.Edge;

/// <summary>Every bundle the agent refuses or stops serving is logged and shown by <c>/edge/status</c> with its reason.</summary>
public sealed class EdgeRefusalTests
{
    private static async Task<JsonElement> StatusAsync(Uri agent)
    {
        using var http = Bed.Client(agent, key: null);
        return JsonDocument.Parse(await http.GetStringAsync("edge/status", TestContext.Current.CancellationToken)).RootElement.Clone();
    }

    [Fact]
    public async Task A_bundle_encrypted_for_another_device_is_refused_with_that_reason_in_the_log_and_the_status()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        var devicePub = Path.Combine(bed.Root, "device-a.pub.pem");
        await File.WriteAllTextAsync(devicePub, EcKeys.PublicPem(bed.Device), ct);
        await bed.PackAndUploadAsync("credit-risk:1", "--encrypt-for", devicePub);

        using var otherDevice = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var logs = new CapturingLoggerProvider(LogLevel.Information);
        var agent = bed.Agent("device-b", deviceKey: otherDevice, logger: logs.CreateLogger("edge"));
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));

        Assert.False(agent.Models.ContainsKey("credit-risk"));
        Assert.Equal("WrongDevice", agent.LastRefusal!.Failure);
        var status = await StatusAsync(agent.Address!);
        var refusal = status.GetProperty("last_refusal");
        Assert.Equal("WrongDevice", refusal.GetProperty("failure").GetString());
        Assert.Contains("encrypted for device key " + EcKeys.KeyId(bed.Device), refusal.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("not " + EcKeys.KeyId(otherDevice), refusal.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, status.GetProperty("refusals").GetInt64());
        Assert.Contains(logs.Lines, l => l.Contains("WrongDevice", StringComparison.Ordinal) && l.Contains("encrypted for device key", StringComparison.Ordinal));

        // The device it was encrypted for serves it.
        var owner = bed.Agent("device-a");
        await owner.StartAsync(background: false, ct);
        Assert.True(await owner.SyncAsync(ct));
        Assert.True(owner.Models.ContainsKey("credit-risk"));
        Assert.Null(owner.LastRefusal);
    }

    [Fact]
    public async Task An_expired_bundle_stops_being_served_offline_and_says_so_or_falls_back_to_the_server_when_the_bundle_says()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        await bed.PackAndUploadAsync("credit-risk:1", "--expires", "2h");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var logs = new CapturingLoggerProvider(LogLevel.Information);
        var agent = bed.Agent(time: clock, logger: logs.CreateLogger("edge"));
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        using var local = Bed.Client(agent.Address!, key: null);
        Assert.Equal(200, (await Bed.InferAsync(local, "credit-risk", V2Requests.CreditRisk(id: "e1"))).Status);

        // Past expiry, with the server reachable, the bundle (on_expiry=stop) is not served and nothing is forwarded.
        clock.Advance(TimeSpan.FromHours(3));
        var (status, body) = await Bed.InferAsync(local, "credit-risk", V2Requests.CreditRisk(id: "e2"));
        Assert.Equal(503, status);
        Assert.Contains("expired at", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("on_expiry=stop", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(agent.Models.ContainsKey("credit-risk"));
        var state = await StatusAsync(agent.Address!);
        Assert.Equal("Expired", state.GetProperty("last_refusal").GetProperty("failure").GetString());
        Assert.False(state.GetProperty("expired")[0].GetProperty("falls_back_to_server").GetBoolean());
        Assert.Contains(logs.Lines, l => l.Contains("Expired", StringComparison.Ordinal));

        // A restart from disk refuses it too, for the same reason.
        await agent.DisposeAsync();
        var restarted = bed.Agent(time: clock);
        await restarted.StartAsync(background: false, ct);
        Assert.Equal("Expired", restarted.LastRefusal!.Failure);
        Assert.False(restarted.Models.ContainsKey("credit-risk"));

        // A bundle packed with --on-expiry fallback hands its model to the server once expired.
        var fallbackClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await bed.PackAndUploadAsync("credit-risk:1", "--expires", "2h", "--on-expiry", "fallback");
        var fallback = bed.Agent("device-f", time: fallbackClock);
        await fallback.StartAsync(background: false, ct);
        Assert.True(await fallback.SyncAsync(ct));
        Assert.True(fallback.Models.ContainsKey("credit-risk"));
        fallbackClock.Advance(TimeSpan.FromHours(3));
        using var device = Bed.Client(fallback.Address!, key: null);
        var (forwarded, answer) = await Bed.InferAsync(device, "credit-risk", V2Requests.CreditRisk(id: "f1"));
        Assert.Equal(200, forwarded);
        Assert.Equal("server", answer.GetProperty("parameters").GetProperty("answered_by").GetString());
        Assert.True((await StatusAsync(fallback.Address!)).GetProperty("expired")[0].GetProperty("falls_back_to_server").GetBoolean());
    }

    [Fact]
    public async Task Bundle_verify_checks_a_file_offline_and_names_the_reason_of_a_refusal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        var pub = Path.Combine(bed.Root, "signer.pub.pem");
        var devicePem = Path.Combine(bed.Root, "device.pem");
        var devicePub = Path.Combine(bed.Root, "device.pub.pem");
        await File.WriteAllTextAsync(devicePem, bed.Device.ExportPkcs8PrivateKeyPem(), ct);
        await File.WriteAllTextAsync(devicePub, EcKeys.PublicPem(bed.Device), ct);
        var file = Path.Combine(bed.Root, "cr.wdn");
        var (packed, _, packError) = await Bed.CliAsync("pack", "credit-risk", "--from-dir", Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1"),
            "--out", file, "--sign-key", Path.Combine(bed.Root, "signer.pem"), "--encrypt-for", devicePub, "--on-expiry", "fallback");
        Assert.True(packed == 0, packError);

        var (ok, printed, _) = await Bed.CliAsync("bundle", "verify", file, "--trust", pub, "--device-key", devicePem);
        var output = printed.ReplaceLineEndings("");
        Assert.Equal(0, ok);
        Assert.Contains("ok: credit-risk:1", output, StringComparison.Ordinal);
        Assert.Contains("on expiry: fallback", output, StringComparison.Ordinal);
        Assert.Contains("encrypted for " + EcKeys.KeyId(bed.Device), output, StringComparison.Ordinal);

        var (noKey, _, noKeyError) = await Bed.CliAsync("bundle", "verify", file, "--trust", pub);
        Assert.Equal(5, noKey);
        Assert.StartsWith("refused (WrongDevice): the model is encrypted for device key", noKeyError, StringComparison.Ordinal);

        using var stranger = EcKeys.Generate();
        var strangerPub = Path.Combine(bed.Root, "stranger.pub.pem");
        await File.WriteAllTextAsync(strangerPub, EcKeys.PublicPem(stranger), ct);
        var (untrusted, _, untrustedError) = await Bed.CliAsync("bundle", "verify", file, "--trust", strangerPub, "--device-key", devicePem);
        Assert.Equal(5, untrusted);
        Assert.StartsWith("refused (UnknownSigner)", untrustedError, StringComparison.Ordinal);

        var bytes = await File.ReadAllBytesAsync(file, ct);
        bytes[^1] ^= 0x01;
        var tampered = Path.Combine(bed.Root, "tampered.wdn");
        await File.WriteAllBytesAsync(tampered, bytes, ct);
        var (bad, _, badError) = await Bed.CliAsync("bundle", "verify", tampered, "--trust", pub, "--device-key", devicePem);
        Assert.Equal(5, bad);
        Assert.StartsWith("refused (PartMismatch)", badError, StringComparison.Ordinal);
    }
}
