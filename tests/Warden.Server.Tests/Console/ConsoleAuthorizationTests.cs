using System.Net;
using Warden.Server.Tests.Security;

namespace Warden.Server.Tests.Console;

/// <summary>
/// Every console page × every role × own/other model gives the status the API gives the same role for the same data; anonymous
/// visitors are sent to sign-in. A page missing here fails the test, as an endpoint missing from the API matrix does.
/// </summary>
public sealed class ConsoleAuthorizationTests(SecurityFixture fixture) : IClassFixture<SecurityFixture>
{
    private static readonly string[] Roles = ["admin", "deployer", "reviewer", "auditor", "consumer"];

    private static int Expected(string method, string pattern, string role, bool own)
    {
        bool Is(params string[] roles) => roles.Contains(role);
        int Scoped(int status) => !own && role == "consumer" ? 404 : status;
        const int Forbidden = 403;
        return (method, pattern) switch
        {
            ("GET", "/signin") => 200,
            // Blazor's redirect helper for enhanced navigation; the console does not use it, and without its protected URL it refuses.
            ("GET", "/_framework/opaque-redirect") => 400,
            // A form post without the page's antiforgery token is refused once the role may open the page.
            ("POST", _) => Expected("GET", pattern, role, own) == Forbidden ? Forbidden : 400,
            ("GET", "/") or ("GET", "/models") => 200,
            ("GET", "/models/{model}") or ("GET", "/models/{model}/versions/{version}") => Scoped(200),
            ("GET", "/fairness") or ("GET", "/drift") => Is("admin", "auditor", "deployer") ? 200 : Forbidden,
            ("GET", "/reviews") or ("GET", "/reviews/live") or ("GET", "/reviews/events") => Is("admin", "reviewer") ? 200 : Forbidden,
            ("GET", "/usage") or ("GET", "/usage/live") or ("GET", "/usage/events") or ("GET", "/audit") => Is("admin", "auditor") ? 200 : Forbidden,
            _ => -1,
        };
    }

    [Fact]
    public async Task Every_console_page_gives_the_expected_status_for_every_role_and_model()
    {
        Assert.NotEmpty(fixture.ConsoleEndpoints);
        var failures = new List<string>();
        var sessions = new Dictionary<string, HttpClient>();
        foreach (var role in Roles)
        {
            sessions[role] = await ConsoleSessions.SignInAsync(fixture.Factory, fixture.Keys[role]);
        }

        var anonymous = ConsoleSessions.Anonymous(fixture.Factory);
        foreach (var (method, pattern) in fixture.ConsoleEndpoints)
        {
            if (Expected(method, pattern, "admin", true) < 0)
            {
                failures.Add($"{method} {pattern}: not in the console matrix; add it");
                continue;
            }

            foreach (var own in new[] { true, false })
            {
                var path = SecurityFixture.Fill(pattern, own ? SecurityFixture.OwnModel : SecurityFixture.OtherModel);
                foreach (var role in Roles)
                {
                    // Headers only: the event streams stay open; their status is known from the headers.
                    using var response = await sessions[role].SendAsync(Request(method, path), HttpCompletionOption.ResponseHeadersRead);
                    var expected = Expected(method, pattern, role, own);
                    if ((int)response.StatusCode != expected)
                    {
                        failures.Add($"{role} {method} {path}: expected {expected}, got {(int)response.StatusCode}");
                    }
                }

                using var anon = await anonymous.SendAsync(Request(method, path), HttpCompletionOption.ResponseHeadersRead);
                // Event streams are API-like to ASP.NET Core's cookie handler: 401 instead of a redirect an EventSource cannot follow.
                var anonExpected = pattern == "/signin" ? Expected(method, pattern, "admin", own) : pattern.EndsWith("/events", StringComparison.Ordinal) ? 401 : 302;
                if ((int)anon.StatusCode != anonExpected || (anonExpected == 302 && !anon.Headers.Location!.ToString().Contains("/signin", StringComparison.Ordinal)))
                {
                    failures.Add($"anonymous {method} {path}: expected {anonExpected}, got {(int)anon.StatusCode} {anon.Headers.Location}");
                }
            }
        }

        Assert.True(failures.Count == 0, "failures:\n" + string.Join("\n", failures));
    }

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method == "POST" ? new FormUrlEncodedContent([]) : null };
}
