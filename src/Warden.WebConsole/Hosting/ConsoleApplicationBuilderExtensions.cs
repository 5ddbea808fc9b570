using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;
using Warden.WebConsole.Auth;
using Warden.WebConsole.Components;

namespace Warden.WebConsole.Hosting;

/// <summary>Maps the web console into the server's pipeline.</summary>
public static class ConsoleApplicationBuilderExtensions
{
    /// <summary>Path under which the console's stylesheet and scripts are served.</summary>
    public const string AssetsPath = "/console/assets";

    /// <summary>
    /// Serves the console's stylesheet and script from the assembly. Call before authentication: they are public, and the
    /// API's fallback policy (authenticated callers only) would otherwise refuse them to the sign-in page.
    /// </summary>
    public static WebApplication UseWardenConsoleAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(ConsoleApplicationBuilderExtensions).Assembly, "console-assets"),
            RequestPath = AssetsPath,
            OnPrepareResponse = context => context.Context.Response.Headers.XContentTypeOptions = "nosniff",
        });
        return app;
    }

    /// <summary>
    /// Maps the console's pages; call after authentication and authorization. Pages require a console session (cookie) and
    /// the role each page declares; state-changing forms are checked by antiforgery.
    /// </summary>
    public static WebApplication UseWardenConsole(this WebApplication app)
    {
        app.UseMiddleware<ConsoleSecurityHeaders>();
        app.UseAntiforgery();
        app.MapRazorComponents<App>()
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ConsoleAuthentication.Scheme })
            .WithMetadata(ConsolePageMetadata.Instance);
        app.MapConsoleEndpoints();
        return app;
    }
}
