using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Console;

/// <summary>Signs in to the console as a browser would: read the sign-in form's antiforgery token, post the key, keep the cookie.</summary>
public static partial class ConsoleSessions
{
    public static HttpClient Anonymous(WardenFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> SignInAsync(WardenFactory factory, string key)
    {
        var client = Anonymous(factory);
        var response = await PostFormAsync(client, "/signin", "signin", new Dictionary<string, string> { ["key"] = key });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Loads <paramref name="page"/>, takes the antiforgery token from its form, and posts <paramref name="fields"/> to it.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string formName, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(page);
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = Token(html),
            ["_handler"] = formName,
        };
        return await client.PostAsync(page, new FormUrlEncodedContent(form));
    }

    public static string Token(string html) =>
        TokenPattern().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
