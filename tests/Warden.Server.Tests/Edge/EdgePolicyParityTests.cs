using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Core.Access;
using Warden.Core.Bundles;
using Warden.Core.Policies;
using Warden.Edge;
using Warden.Server.Tests.Infrastructure;
using Bed = Warden.Server.Tests.Edge.EdgeTestBed;

namespace Warden.Server.Tests.Edge;

/// <summary>
/// The same request to the server and to an edge agent serving the same model from a bundle packed on that server: each
/// policy must refuse or alter it the same way on both sides.
/// </summary>
public sealed class EdgePolicyParityTests
{
    private static JsonObject Request(string id, string? purpose = null, double[]? values = null) =>
        V2Requests.CreditRisk(values, id, purpose is null ? null : new JsonObject { ["purpose"] = purpose });

    private static async Task<(int Status, JsonElement Body)[]> BothAsync(HttpClient server, HttpClient agent, JsonObject request, string? purposeHeader = null) =>
    [
        await Bed.InferAsync(server, "credit-risk", request.DeepClone(), purposeHeader),
        await Bed.InferAsync(agent, "credit-risk", request.DeepClone(), purposeHeader),
    ];

    private static void AssertSameRefusal((int Status, JsonElement Body)[] answers, int status, string reasonPart)
    {
        Assert.Equal(status, answers[0].Status);
        Assert.Equal(status, answers[1].Status);
        Assert.Equal(answers[0].Body.GetProperty("error").GetString(), answers[1].Body.GetProperty("error").GetString());
        Assert.Contains(reasonPart, answers[1].Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static void AssertSameOutputs((int Status, JsonElement Body)[] answers)
    {
        Assert.Equal(200, answers[0].Status);
        Assert.Equal(200, answers[1].Status);
        Assert.Equal("edge", answers[1].Body.GetProperty("parameters").GetProperty("answered_by").GetString());
        Assert.Equal(answers[0].Body.GetProperty("outputs").GetRawText(), answers[1].Body.GetProperty("outputs").GetRawText());
    }

    [Fact]
    public async Task Usage_and_output_policies_travel_in_the_bundle_and_refuse_or_alter_the_same_on_server_and_agent_even_offline()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        await bed.PutSettingsAsync("credit-risk", UsagePolicy.Kind, """{"requirePurpose":true}""");
        await bed.PutSettingsAsync("credit-risk", OutputPolicy.Kind, """{"mode":"top-class"}""");
        var bundle = await bed.PackAndUploadAsync("credit-risk:1");

        // The documents are inside the signed bundle.
        using (var trusted = new TrustedKeys())
        {
            trusted.AddPem(EcKeys.PublicPem(bed.Signer));
            var policies = new BundleVerifier(trusted, TimeProvider.System).Verify(bundle).Policies;
            Assert.True(policies.Settings[UsagePolicy.Kind].GetProperty("requirePurpose").GetBoolean());
            Assert.Equal("top-class", policies.Settings[OutputPolicy.Kind].GetProperty("mode").GetString());
        }

        // A consumer key on the server; the agent's anonymous loopback caller: neither has purposes of its own.
        var consumer = await bed.CreateKeyAsync(new { name = "app", role = "consumer", models = new[] { "credit-risk" } });
        var agent = bed.Agent();
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        Assert.True(agent.Models.ContainsKey("credit-risk"));
        using var server = Bed.Client(bed.Server!, consumer);
        using (var local = Bed.Client(agent.Address!, key: null))
        {
            AssertSameRefusal(await BothAsync(server, local, Request("p1")), 403, "requires a declared purpose");
            AssertSameRefusal(await BothAsync(server, local, Request("p2", "marketing")), 403, "prohibited use");
            AssertSameRefusal(await BothAsync(server, local, Request("p3", "astrology")), 403, "not an intended use");

            var allowed = await BothAsync(server, local, Request("p4", "credit-decision-support"));
            AssertSameOutputs(allowed);
            var probability = allowed[1].Body.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability");
            Assert.Equal("BOOL", probability.GetProperty("datatype").GetString());
            AssertSameOutputs(await BothAsync(server, local, Request("p5"), purposeHeader: "fairness-research"));
        }

        // Offline, restarted from its data directory: the policies are still enforced.
        await bed.StopServerAsync();
        await agent.DisposeAsync();
        var restarted = bed.Agent();
        await restarted.StartAsync(background: false, ct);
        Assert.False(await restarted.SyncAsync(ct));
        using (var local = Bed.Client(restarted.Address!, key: null))
        {
            var (status, body) = await Bed.InferAsync(local, "credit-risk", Request("o1"));
            Assert.Equal(403, status);
            Assert.Contains("requires a declared purpose", body.GetProperty("error").GetString(), StringComparison.Ordinal);
            var (ok, answer) = await Bed.InferAsync(local, "credit-risk", Request("o2", "credit-decision-support"));
            Assert.Equal(200, ok);
            Assert.Equal("BOOL", answer.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("datatype").GetString());
        }
    }

    [Fact]
    public async Task Settings_changed_on_the_server_after_packing_reach_the_agent_at_its_next_sync_and_act_the_same()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        await bed.PutSettingsAsync("credit-risk", OutputPolicy.Kind, """{"mode":"full","decimals":2}""");
        await bed.PackAndUploadAsync("credit-risk:1");
        var consumer = await bed.CreateKeyAsync(new { name = "app", role = "consumer", models = new[] { "credit-risk" } });
        var agent = bed.Agent();
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));
        using var server = Bed.Client(bed.Server!, consumer);
        using var local = Bed.Client(agent.Address!, key: null);
        AssertSameOutputs(await BothAsync(server, local, Request("s1")));

        // Input policy and per-key rate limit added, output policy removed: nothing changes until the agent syncs.
        await bed.PutSettingsAsync("credit-risk", InputPolicy.Kind, """{"inputs":{"pirat":{"min":0,"max":0.2}}}""");
        await bed.PutSettingsAsync("credit-risk", Warden.Core.RateLimiting.RateLimitInterceptor.Kind, """{"dailyQuota":4}""");
        using (var admin = Bed.Client(bed.Server!))
        {
            (await admin.DeleteAsync("api/models/credit-risk/settings/output-policy", ct)).EnsureSuccessStatusCode();
        }

        Assert.Equal(200, (await Bed.InferAsync(local, "credit-risk", Request("s2"))).Status);
        Assert.True(await agent.SyncAsync(ct));
        Assert.Null(agent.Settings.GetVersion("credit-risk", OutputPolicy.Kind));

        AssertSameRefusal(await BothAsync(server, local, Request("s3")), 400, "pirat[0] = 0.221 is outside [0, 0.2]");
        var inRange = (double[])V2Requests.Applicant.Clone();
        inRange[0] = 0.15;
        AssertSameOutputs(await BothAsync(server, local, Request("s4", values: inRange)));
        AssertSameOutputs(await BothAsync(server, local, Request("s5", values: inRange)));

        // The quota counts every admitted call of the key (the refused s3 was not admitted past the input policy but
        // passed the rate limit, which runs first): calls 1–4 pass on both sides, the fifth is refused on both.
        AssertSameOutputs(await BothAsync(server, local, Request("s6", values: inRange)));
        var refused = await BothAsync(server, local, Request("s7", values: inRange));
        Assert.Equal(429, refused[0].Status);
        Assert.Equal(429, refused[1].Status);
        Assert.Contains("daily quota exhausted", refused[1].Body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_with_local_keys_refuses_callers_without_one_and_applies_the_keys_purposes_and_scope()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = new Bed();
        await bed.StartServerAsync();
        await bed.PutSettingsAsync("credit-risk", UsagePolicy.Kind, """{"requirePurpose":true}""");
        await bed.PackAndUploadAsync("credit-risk:1");
        const string Secret = "wdn_local_kiosk_secret_0123456789";
        const string Other = "wdn_local_other_secret_0123456789";
        var now = DateTimeOffset.UtcNow;
        var agent = bed.Agent(localKeys: EdgeLocalKeys.Check(
        [
            new ApiKeyRecord("kiosk", "kiosk", WardenRoles.Consumer, ["credit-risk"], ApiKeySecrets.Hash(Secret), now, null, null) { Purposes = ["credit-risk:credit-decision-support"] },
            new ApiKeyRecord("other", "other", WardenRoles.Consumer, ["some-other-model"], ApiKeySecrets.Hash(Other), now, null, null),
        ], "test"));
        await agent.StartAsync(background: false, ct);
        Assert.True(await agent.SyncAsync(ct));

        using (var anonymous = Bed.Client(agent.Address!, key: null))
        {
            Assert.Equal(401, (await Bed.InferAsync(anonymous, "credit-risk", Request("a1", "credit-decision-support"))).Status);
            Assert.Equal(401, (int)(await anonymous.GetAsync("edge/status", ct)).StatusCode);
        }

        using (var wrong = Bed.Client(agent.Address!, key: "wdn_not_a_key_of_this_device_000000"))
        {
            Assert.Equal(401, (await Bed.InferAsync(wrong, "credit-risk", Request("a2"))).Status);
        }

        using (var kiosk = Bed.Client(agent.Address!, key: Secret))
        {
            // The key's single granted purpose is its default, as on the server; another purpose is not granted.
            Assert.Equal(200, (await Bed.InferAsync(kiosk, "credit-risk", Request("a3"))).Status);
            var (status, body) = await Bed.InferAsync(kiosk, "credit-risk", Request("a4", "fairness-research"));
            Assert.Equal(403, status);
            Assert.Contains("not granted to this key", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var other = Bed.Client(agent.Address!, key: Other))
        {
            Assert.Equal(404, (await Bed.InferAsync(other, "credit-risk", Request("a5", "credit-decision-support"))).Status);
        }
    }

    [Fact]
    public async Task Agent_refuses_to_listen_beyond_loopback_without_local_keys()
    {
        await using var bed = new Bed();
        var agent = bed.Agent(listen: "http://0.0.0.0:0");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => agent.StartAsync(background: false, TestContext.Current.CancellationToken));
        Assert.Contains("needs local API keys", error.Message, StringComparison.Ordinal);
    }
}
