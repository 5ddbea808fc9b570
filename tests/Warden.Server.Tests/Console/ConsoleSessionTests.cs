using System.Net;
using System.Net.Http.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Console;

/// <summary>Sign-in, the session cookie, sign-out, antiforgery and the security headers of the console.</summary>
public sealed class ConsoleSessionTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Page_without_session_redirects_to_sign_in_with_the_return_path()
    {
        var response = await ConsoleSessions.Anonymous(_factory).GetAsync("/models/credit-risk");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/signin?returnUrl=%2Fmodels%2Fcredit-risk", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_with_a_key_sets_an_http_only_strict_cookie_that_opens_the_pages()
    {
        var client = ConsoleSessions.Anonymous(_factory);
        var response = await ConsoleSessions.PostFormAsync(client, "/signin?returnUrl=%2Fmodels", "signin",
            new Dictionary<string, string> { ["key"] = WardenFactory.AdminKey, ["returnUrl"] = "/models" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/models", response.Headers.Location!.OriginalString.Replace("http://localhost", "", StringComparison.Ordinal));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("warden.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(WardenFactory.AdminKey, cookie, StringComparison.Ordinal);
        var models = await client.GetStringAsync("/models");
        Assert.Contains("credit-risk", models, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_and_script_are_served_to_anyone()
    {
        var client = ConsoleSessions.Anonymous(_factory);
        var css = await client.GetAsync("/console/assets/console.css");
        var js = await client.GetAsync("/console/assets/console.js");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
    }

    [Fact]
    public async Task Sign_in_with_an_unknown_key_is_refused_on_the_page()
    {
        var client = ConsoleSessions.Anonymous(_factory);
        var response = await ConsoleSessions.PostFormAsync(client, "/signin", "signin", new Dictionary<string, string> { ["key"] = "wdn_not_a_real_key_000000000000" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown, expired or revoked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/models")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_ignores_a_return_url_to_another_site()
    {
        var client = ConsoleSessions.Anonymous(_factory);
        var response = await ConsoleSessions.PostFormAsync(client, "/signin", "signin",
            new Dictionary<string, string> { ["key"] = WardenFactory.AdminKey, ["returnUrl"] = "//evil.example/x" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/models", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_without_antiforgery_token_is_refused()
    {
        var client = await ConsoleSessions.SignInAsync(_factory, WardenFactory.AdminKey);
        var response = await client.PostAsync("/models/credit-risk", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "rollback", ["rollbackReason"] = "no token",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/signout", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_without_inline_script()
    {
        var client = await ConsoleSessions.SignInAsync(_factory, WardenFactory.AdminKey);
        var response = await client.GetAsync("/models");

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_a_revoked_key_ends_it_too()
    {
        var admin = _factory.Admin();
        var created = await (await admin.PostAsJsonAsync("/api/keys", new { name = "lead", role = "auditor" })).Content.ReadFromJsonAsync<CreatedKey>();
        var client = await ConsoleSessions.SignInAsync(_factory, created!.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/models")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{created.Info.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/models")).StatusCode);

        var other = await ConsoleSessions.SignInAsync(_factory, WardenFactory.AdminKey);
        var html = await other.GetStringAsync("/models");
        var response = await other.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = ConsoleSessions.Token(html) }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/models")).StatusCode);
    }
}
