using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.Core.Access;
using Warden.Core.Storage;

namespace Warden.WebConsole.Auth;

/// <summary>
/// The console's session: an API key typed once on the sign-in page is exchanged for an encrypted cookie that names the
/// key (never its secret). Every request re-reads the key, so a revoked, expired or suspended key ends its sessions.
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>Cookie authentication scheme used only by console pages (the API never reads the cookie).</summary>
    public const string Scheme = "WardenConsole";

    /// <summary>Name of the session cookie.</summary>
    public const string CookieName = "warden.session";

    /// <summary>Sign-in page path.</summary>
    public const string SignInPath = "/signin";

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        // Secure whenever the request came over TLS; a plain-HTTP loopback install still works.
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.LoginPath = SignInPath;
        options.ReturnUrlParameter = "returnUrl";
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        options.Events.OnValidatePrincipal = ValidateAsync;
        options.Events.OnRedirectToAccessDenied = context => ConsoleResponses.ForbiddenAsync(context.HttpContext);
    }

    /// <summary>The claims stored in the session for <paramref name="key"/>.</summary>
    internal static ClaimsPrincipal PrincipalFor(ApiKeyRecord key) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, key.Id), new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, key.Role)],
        Scheme));

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var services = context.HttpContext.RequestServices;
        var key = id is null ? null : await services.GetRequiredService<IKeyStore>().FindByIdAsync(id, context.HttpContext.RequestAborted);
        if (key is null || !key.IsActive(services.GetRequiredService<TimeProvider>().GetUtcNow()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        ConsoleSession.Set(context.HttpContext, key);
    }
}
