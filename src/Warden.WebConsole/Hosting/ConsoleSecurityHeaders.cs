using Microsoft.AspNetCore.Http;

namespace Warden.WebConsole.Hosting;

/// <summary>
/// Adds the console's security headers to its pages: a Content-Security-Policy that allows only the server's own scripts and
/// styles (no inline script or style), no framing, no referrer, no caching of pages that show governed data.
/// </summary>
internal sealed class ConsoleSecurityHeaders(RequestDelegate next)
{
    internal const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ConsolePageMetadata>() is not null)
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
        }

        return next(context);
    }
}
