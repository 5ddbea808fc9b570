using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Webhooks;

namespace Warden.Server.Tests.Admin;

/// <summary>
/// Issue 17 item 4: checkpoints are signed on a schedule and handed to an external witness by webhook, and a third party
/// verifies the chain with the stdlib Python recipe in docs/recipes (RFC 8785 hashing) without Warden.
/// </summary>
public sealed class AuditAnchoringTests
{
    [Fact]
    public async Task Checkpoints_are_signed_on_the_schedule_when_the_chain_grew_and_sent_to_the_witness_webhook()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var witness = new WitnessHandler();
        using var factory = new WardenFactory { Time = time };
        factory.Settings["Warden:Audit:IntervalMinutes"] = "10";
        factory.Settings["Warden:Webhooks:Subscriptions:0:Url"] = "http://witness.test/checkpoints";
        factory.Settings["Warden:Webhooks:Subscriptions:0:Events:0"] = "audit.checkpoint";
        factory.ExtraServices = services => services.AddHttpClient<WebhookDispatcher>().ConfigurePrimaryHttpMessageHandler(() => witness);
        using var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/keys", new { name = "k", role = "consumer" }, TestContext.Current.CancellationToken)).StatusCode);
        var log = Path.Combine(factory.DataDir, "checkpoints", "checkpoints.jsonl");

        time.Advance(TimeSpan.FromMinutes(10));
        await WaitUntilAsync(() => witness.Bodies.Count == 1 && File.Exists(log));
        var head = (await (await admin.GetAsync("/api/audit?limit=1000", TestContext.Current.CancellationToken)).ReadJsonAsync()).GetProperty("items").EnumerateArray().Last();
        var witnessed = witness.Bodies.Single().RootElement;
        Assert.Equal("audit.checkpoint", witnessed.GetProperty("type").GetString());
        Assert.Equal(head.GetProperty("sequence").GetInt64(), witnessed.GetProperty("data").GetProperty("size").GetInt64());
        Assert.Equal(head.GetProperty("hash").GetString(), witnessed.GetProperty("data").GetProperty("headHash").GetString());
        Assert.Equal(witnessed.GetProperty("data").GetProperty("signature").GetString(), JsonDocument.Parse(File.ReadAllLines(log).Single()).RootElement.GetProperty("signature").GetString());

        // Nothing appended since: the next tick signs nothing; after another entry it signs again.
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/keys", new { name = "k2", role = "consumer" }, TestContext.Current.CancellationToken)).StatusCode);
        time.Advance(TimeSpan.FromMinutes(10));
        await WaitUntilAsync(() => File.ReadAllLines(log).Length == 2);
        await WaitUntilAsync(() => witness.Bodies.Count == 2);
        Assert.True(witness.Bodies.Last().RootElement.GetProperty("data").GetProperty("size").GetInt64() > witnessed.GetProperty("data").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task The_python_recipe_verifies_the_chain_and_the_checkpoint_and_finds_edits_and_truncation()
    {
        var python = FindOnPath("python3");
        if (python is null)
        {
            Assert.NotEqual("true", Environment.GetEnvironmentVariable("CI"));
            Assert.Skip("python3 is not installed (CI installs it)");
        }

        using var factory = new WardenFactory();
        using var admin = factory.Admin();
        // Non-ASCII, an emoji (escaped by the earlier canonical form) and control characters in hashed strings.
        foreach (var name in new[] { "plain", "Zoë 😀", "tab\there \"quoted\" \\ back", "€ דּ" })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/keys", new { name, role = "consumer", models = new[] { "credit-risk" } }, TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.True((await admin.PostAsync("/api/audit/checkpoints", null, TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        var items = (await (await admin.GetAsync("/api/audit?limit=1000", TestContext.Current.CancellationToken)).ReadJsonAsync()).GetProperty("items");
        var entries = JsonNode.Parse(items.GetRawText())!.AsArray();
        var checkpoint = Path.Combine(factory.DataDir, "checkpoints", "checkpoints.jsonl");
        var file = Path.Combine(factory.DataDir, "audit.json");

        await File.WriteAllTextAsync(file, entries.ToJsonString(), TestContext.Current.CancellationToken);
        var (intact, output) = await RunAsync(python!, file, checkpoint);
        Assert.True(intact == 0, output);
        Assert.Contains($"intact: {entries.Count} entries, checkpoint consistent", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bad checkpoint signature", output, StringComparison.Ordinal);

        var edited = JsonNode.Parse(entries.ToJsonString())!.AsArray();
        edited[1]!["details"]!["name"] = "someone else";
        await File.WriteAllTextAsync(file, edited.ToJsonString(), TestContext.Current.CancellationToken);
        var (editedCode, editedOutput) = await RunAsync(python!, file, checkpoint);
        Assert.Equal(1, editedCode);
        Assert.Contains("entry 2: content does not match its hash (edited)", editedOutput, StringComparison.Ordinal);

        var truncated = JsonNode.Parse(entries.ToJsonString())!.AsArray();
        truncated.RemoveAt(truncated.Count - 1);
        truncated.RemoveAt(truncated.Count - 1);
        await File.WriteAllTextAsync(file, truncated.ToJsonString(), TestContext.Current.CancellationToken);
        var (truncatedCode, truncatedOutput) = await RunAsync(python!, file, checkpoint);
        Assert.Equal(1, truncatedCode);
        Assert.Contains("truncated or rolled back", truncatedOutput, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunAsync(string python, string file, string checkpoint)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Warden.Tests.RepoFiles.Path("docs/recipes/verify_audit.py"), "--file", file, "--checkpoint", checkpoint })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    private static async Task WaitUntilAsync(Func<bool> done)
    {
        for (var attempt = 0; attempt < 400 && !done(); attempt++)
        {
            await Task.Delay(25);
        }

        Assert.True(done());
    }

    private sealed class WitnessHandler : HttpMessageHandler
    {
        private readonly ConcurrentQueue<JsonDocument> _bodies = new();

        public IReadOnlyCollection<JsonDocument> Bodies => _bodies.ToArray();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _bodies.Enqueue(JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
