using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Warden.WebConsole.Auth;

namespace Warden.WebConsole.Hosting;

/// <summary>Registers the web console.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>Adds the console's components, its cookie session scheme and antiforgery.</summary>
    public static IServiceCollection AddWardenConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<ConsoleLiveFeed>();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "warden.antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // A second scheme beside the API key: not the default, so API endpoints never authenticate a cookie.
        services.AddAuthentication().AddCookie(ConsoleAuthentication.Scheme, ConsoleAuthentication.Configure);
        return services;
    }
}
