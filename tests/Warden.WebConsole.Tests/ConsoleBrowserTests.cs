using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Monitoring;

namespace Warden.WebConsole.Tests;

/// <summary>
/// The issue's scenarios in a real browser. Each test signs in its own browser context, checks the page with axe-core (no
/// serious or critical violation) and saves a screenshot under docs/screenshots/. Waits are for page content, never for time.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleServer server) : IClassFixture<ConsoleServer>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Admin_signs_in_and_sees_the_demo_model_and_its_card()
    {
        var page = await StartAsync(ConsoleServer.AdminKey);
        await page.GotoAsync(server.BaseUrl + "/models");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "credit-risk", Exact = true })).ToBeVisibleAsync();
        await CheckAsync(page, "models");

        await page.GetByRole(AriaRole.Link, new() { Name = "credit-risk", Exact = true }).ClickAsync();
        await page.Locator("a[href='/models/credit-risk/versions/1']").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Model card: credit-risk version 1" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Model parameters" })).ToBeVisibleAsync();
        await CheckAsync(page, "model-card");
    }

    [Fact]
    public async Task Fairness_page_shows_the_latest_audit_with_group_bars()
    {
        var admin = server.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 240), "console-fair");
        await HmdaTraffic.LabelAsync(admin, served);
        var audit = await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports", new
        {
            since = "7d", privileged = new Dictionary<string, string> { ["afam"] = "no" }, positiveLabel = "yes", bootstrap = 50, minGroupSize = 5,
        });
        Assert.Equal(HttpStatusCode.Created, audit.StatusCode);

        var page = await StartAsync(ConsoleServer.AdminKey);
        await page.GotoAsync(server.BaseUrl + "/fairness?model=credit-risk");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Latest audit", Exact = false })).ToBeVisibleAsync();
        await Expect(page.Locator("figure.chart svg").First).ToBeVisibleAsync();
        await CheckAsync(page, "fairness");
    }

    [Fact]
    public async Task Promoting_a_version_shows_the_gate_verdict_first_and_the_refusal_after_the_click()
    {
        var admin = server.Admin();
        await PutSettingsAsync(admin, "gated", "fairness-policy", new
        {
            rules = new[] { new { metric = "disparate_impact", min = 0.8 } }, sensitiveFeatures = new[] { "afam" }, requireAudit = true,
        }, deployFirst: true);
        var second = await admin.PostAsync("/api/models/gated/versions", Deploy.Form(Deploy.CreditRiskOnnx(), """{"name":"gated"}""", stage: "staging"));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        var page = await StartAsync(ConsoleServer.AdminKey);
        await page.GotoAsync(server.BaseUrl + "/models/gated");
        await Expect(page.GetByText("would refuse")).ToBeVisibleAsync();
        await page.GetByLabel("Reason for promoting version 2").FillAsync("better recall on the hold-out set");
        await page.GetByRole(AriaRole.Button, new() { Name = "Promote version 2" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("has no fairness audit");
        await CheckAsync(page, "promote-refused");
        var model = await admin.GetFromJsonAsync<JsonElement>("/api/models/gated", Json);
        Assert.Equal("1", model.GetProperty("productionVersion").GetString());
    }

    [Fact]
    public async Task Reviewer_decides_a_held_request_with_the_keyboard_and_the_caller_gets_the_label()
    {
        var admin = server.Admin();
        await PutSettingsAsync(admin, "reviewed", "review-policy", new { mode = "hold", rule = "lvrat > 1.2", labels = new[] { "approve", "deny" } }, deployFirst: true);
        var reviewer = await CreateKeyAsync(admin, "reviewer");
        var caller = await CreateKeyAsync(admin, "consumer");
        using var app = server.Client(caller.Secret);
        var held = await app.PostAsync("/v2/models/reviewed/infer", V2Requests.Json(V2Requests.CreditRisk([0.3, 0.3, 1.5, 5, 2, 0, 3.9, 0, 0, 0, 0, 1], "held-1")));
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var reviewId = (await held.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("parameters").GetProperty("review_id").GetString()!;

        var page = await StartAsync(reviewer.Secret);
        await page.GotoAsync(server.BaseUrl + "/reviews");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Item {reviewId}" })).ToBeVisibleAsync();
        await CheckAsync(page, "review-queue");

        // Live update by server-sent events: a second held request is announced on the open page without a reload.
        await Expect(page.Locator("#review-live[data-live-transport=events]")).ToHaveCountAsync(1);
        var second = await app.PostAsync("/v2/models/reviewed/infer", V2Requests.Json(V2Requests.CreditRisk([0.3, 0.3, 1.6, 5, 2, 0, 3.9, 0, 0, 0, 0, 1], "held-2")));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        await Expect(page.Locator("#review-live")).ToContainTextAsync("Now");

        await page.Locator("body").PressAsync("1");
        await Expect(page.Locator("input[type=radio][value=approve]")).ToBeCheckedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is decided: approve");

        var answer = await app.GetFromJsonAsync<JsonElement>($"/api/reviews/{reviewId}", Json);
        Assert.Equal("decided", answer.GetProperty("status").GetString());
        Assert.Equal("approve", answer.GetProperty("label").GetString());
        var feedback = await admin.GetStringAsync("/api/models/reviewed/feedback");
        Assert.Contains("approve", feedback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_page_lists_the_key_suspended_after_an_extraction_sweep()
    {
        var admin = server.Admin();
        await PutSettingsAsync(admin, "probed", "abuse-policy", new
        {
            enabled = true, extraction = false, sweep = new { maxStep = 0.5, minimumRun = 10 }, suspendOnAlert = true,
        }, deployFirst: true);
        var prober = await CreateKeyAsync(admin, "consumer", "sweeper");
        using var client = server.Client(prober.Secret);
        // One request the model cannot bind (an input missing), refused before the sweep: the page shows it by reason.
        var malformed = V2Requests.CreditRisk();
        malformed["inputs"]!.AsArray().RemoveAt(0);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/v2/models/probed/infer", V2Requests.Json(malformed))).StatusCode);
        for (var i = 0; i < 12; i++)
        {
            var row = (double[])V2Requests.Applicant.Clone();
            row[2] = 0.5 + i * 0.01;
            var response = await client.PostAsync("/v2/models/probed/infer", V2Requests.Json(V2Requests.CreditRisk(row)));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                break;
            }
        }

        var page = await StartAsync(ConsoleServer.AdminKey);
        await page.GotoAsync(server.BaseUrl + "/usage");
        // The abuse monitor works off a queue: reload until its alert is stored (the page never waits on a clock itself).
        var suspended = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "sweeper" }).Filter(new() { HasText = "suspended by the abuse monitor" });
        for (var attempt = 0; attempt < 60 && await suspended.CountAsync() == 0; attempt++)
        {
            await page.ReloadAsync();
        }

        await Expect(suspended).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Refusals by reason" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "bind (400)" }).First).ToBeVisibleAsync();
        await CheckAsync(page, "usage-abuse");

        // The admin reinstates the key with a reason: the page confirms it and the key works again.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/v2/models/probed/infer", V2Requests.Json(V2Requests.CreditRisk()))).StatusCode);
        await page.GetByLabel("Reason for reinstating sweeper").FillAsync("a load test agreed with the customer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reinstate sweeper" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("is reinstated");
        await Expect(suspended).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v2/models/probed/infer", V2Requests.Json(V2Requests.CreditRisk()))).StatusCode);
        var audit = await admin.GetStringAsync("/api/audit?limit=1000");
        Assert.Contains("a load test agreed with the customer", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auditor_verifies_the_audit_chain()
    {
        var auditor = await CreateKeyAsync(server.Admin(), "auditor");
        var page = await StartAsync(auditor.Secret);
        await page.GotoAsync(server.BaseUrl + "/audit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain now" }).ClickAsync();
        await Expect(page.Locator("#verify-result")).ToContainTextAsync("The chain is intact");
        await CheckAsync(page, "audit");
    }

    [Fact]
    public async Task Drift_page_renders_for_an_auditor()
    {
        var auditor = await CreateKeyAsync(server.Admin(), "auditor");
        var page = await StartAsync(auditor.Secret);
        await page.GotoAsync(server.BaseUrl + "/drift?model=credit-risk&since=7d");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Drift and quality" })).ToBeVisibleAsync();
        await CheckAsync(page, "drift");
    }

    [Fact]
    public async Task Consumer_key_is_refused_on_reviewer_and_admin_pages()
    {
        var consumer = await CreateKeyAsync(server.Admin(), "consumer");
        var page = await StartAsync(consumer.Secret);
        foreach (var path in new[] { "/reviews", "/usage", "/audit", "/fairness" })
        {
            var response = await page.GotoAsync(server.BaseUrl + path);
            Assert.Equal(403, response!.Status);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        }

        await page.GotoAsync(server.BaseUrl + "/");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Review queue" })).ToHaveCountAsync(0);
        await CheckAsync(page, "consumer-home");
    }

    [Fact]
    public async Task Every_page_fits_a_tablet_and_its_navigation_works_there()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var page = await server.SignInAsync(ConsoleServer.AdminKey, new ViewportSize { Width = 768, Height = 1024 });
        string[] paths = ["/", "/models", "/models/credit-risk", "/models/credit-risk/versions/1", "/fairness?model=credit-risk", "/drift?model=credit-risk&since=7d", "/reviews", "/usage", "/audit"];
        foreach (var path in paths)
        {
            await page.GotoAsync(server.BaseUrl + path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            // Wide tables may scroll inside their own box; the page itself never scrolls sideways.
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            Assert.True(widths[0] <= widths[1], $"{path} is {widths[0]} px wide on a {widths[1]} px tablet viewport");
        }

        // The header's navigation is on screen and reaches each section by keyboard as well as by tap.
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Console sections" });
        foreach (var (link, heading) in new[] { ("Models", "Models"), ("Usage & abuse", "Usage and abuse"), ("Audit", "Audit chain") })
        {
            await Expect(navigation.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeInViewportAsync();
            await navigation.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = heading })).ToBeVisibleAsync();
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Drift & quality", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Drift and quality" })).ToBeVisibleAsync();
        await CheckAsync(page, "tablet-drift", fullPage: false);
    }

    // Generous: the machine running the suite may be busy; these waits end as soon as the content is there.
    private static ILocatorAssertions Expect(ILocator locator)
    {
        Assertions.SetDefaultExpectTimeout(60_000);
        return Assertions.Expect(locator);
    }

    private async Task<IPage> StartAsync(string key)
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        return await server.SignInAsync(key);
    }

    /// <summary>axe-core finds no serious or critical problem, and the page is saved for docs/console.md.</summary>
    private static async Task CheckAsync(IPage page, string name, bool fullPage = true)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
        Directory.CreateDirectory(Warden.Tests.RepoFiles.Path("docs/screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Warden.Tests.RepoFiles.Path($"docs/screenshots/{name}.png"), FullPage = fullPage });
    }

    private static async Task PutSettingsAsync(HttpClient admin, string model, string kind, object document, bool deployFirst)
    {
        if (deployFirst)
        {
            var deploy = await admin.PostAsync($"/api/models/{model}/versions", Deploy.Form(Deploy.CreditRiskOnnx(), $$"""{"name":"{{model}}"}""", stage: "production"));
            Assert.Equal(HttpStatusCode.Created, deploy.StatusCode);
        }

        var response = await admin.PutAsync($"/api/models/{model}/settings/{kind}", V2Requests.Raw(JsonSerializer.Serialize(document, Json)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<CreatedKey> CreateKeyAsync(HttpClient admin, string role, string? name = null)
    {
        var response = await admin.PostAsJsonAsync("/api/keys", new { name = name ?? role + "-" + Guid.NewGuid().ToString("N")[..6], role, models = new[] { "*" } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<CreatedKey>(Json))!;
    }
}
