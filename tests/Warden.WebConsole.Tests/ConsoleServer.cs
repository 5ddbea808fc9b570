using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Warden.Server;

namespace Warden.WebConsole.Tests;

/// <summary>
/// One real Warden (Kestrel on a dynamic loopback port, fresh data directory) and one headless Debian Chromium for the browser
/// tests. Without Chromium the tests skip, except under CI=true where a missing browser is a failure.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    public const string AdminKey = "wdn_console_admin_key_0123456789abcdefghijklmnop";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "warden-console-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public string BaseUrl { get; private set; } = "";

    public IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException($"CI=true but {ChromiumPath} is missing: .ci/run installs the chromium package");
            }

            SkipReason = $"{ChromiumPath} is not installed";
            return;
        }

        Directory.CreateDirectory(_dataDir);
        _app = WardenApp.Build(
        [
            "--urls", "http://127.0.0.1:0", $"--Warden:DataDir={_dataDir}", $"--Warden:AdminKey={AdminKey}",
            "--Warden:PredictionLog:FlushIntervalMs=20", "--Warden:Grpc:Urls=none",
        ]);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            Timeout = 120_000,
        });
    }

    /// <summary>A fresh browser context (its own cookies) at 1280×800 unless <paramref name="viewport"/> says otherwise, signed in with <paramref name="key"/>.</summary>
    public async Task<IPage> SignInAsync(string key, ViewportSize? viewport = null)
    {
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(BaseUrl + "/signin");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Sign-in answers with a redirect. Waiting for a load state of the redirected page hung on loaded machines twice
        // (first "load", then WaitForURL's "commit", when the redirect had already committed before the wait began), so
        // wait only for an element that exists on the signed-in layout alone: the locator waits through the navigation.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is disposable.
        }
    }
}
