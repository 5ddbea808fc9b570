using System.Net;
using Microsoft.AspNetCore.Http;

namespace Warden.WebConsole.Auth;

/// <summary>Plain pages written outside the component renderer (refusals decided by the authorization middleware).</summary>
internal static class ConsoleResponses
{
    public static Task ForbiddenAsync(HttpContext context)
    {
        var role = ConsoleSession.Find(context)?.Role ?? "unknown";
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not allowed · Warden</title>" +
            "<link rel=\"stylesheet\" href=\"/console/assets/console.css\"></head><body><main class=\"narrow\">" +
            "<h1>Not allowed</h1><p>The '" + WebUtility.HtmlEncode(role) + "' role may not open this page, as in the API.</p>" +
            "<p><a href=\"/\">Back to the console</a></p></main></body></html>");
    }
}
