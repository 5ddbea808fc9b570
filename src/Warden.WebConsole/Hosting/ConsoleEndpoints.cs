using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.Core.Access;
using Warden.Core.Review;
using Warden.Core.Storage;
using Warden.WebConsole.Auth;

namespace Warden.WebConsole.Hosting;

/// <summary>The console's endpoints that are not pages: sign-out and the small JSON feeds the pages poll for live updates.</summary>
internal static class ConsoleEndpoints
{
    public static void MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        // A POST with the antiforgery token, so another site cannot sign a user out (SameSite=Strict already keeps the cookie home).
        app.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync(ConsoleAuthentication.Scheme);
            return Results.Redirect(ConsoleAuthentication.SignInPath);
        }).WithConsole();

        // Same roles as the pages that poll them; they answer counts only.
        app.MapGet("/reviews/live", (HttpContext context, ReviewQueue queue) =>
        {
            var key = ConsoleSession.Require(context);
            return Results.Json(new { pending = queue.List(null, ReviewStatus.Pending, 500).Count(i => key.CanUseModel(i.Model)) });
        }).WithConsole(WardenRoles.Admin, WardenRoles.Reviewer);
        app.MapGet("/usage/live", async (string? since, IAbuseAlertStore alerts, TimeProvider time, CancellationToken ct) =>
        {
            var from = time.GetUtcNow() - Core.Monitoring.TimeWindow.Parse(string.IsNullOrWhiteSpace(since) ? "24h" : since, "since");
            return Results.Json(new { alerts = (await alerts.QueryAsync(from, null, null, 200, ct)).Count });
        }).WithConsole(WardenRoles.Admin, WardenRoles.Auditor);
    }

    private static RouteHandlerBuilder WithConsole(this RouteHandlerBuilder builder, params string[] roles) => builder
        .RequireAuthorization(new AuthorizeAttribute
        {
            AuthenticationSchemes = ConsoleAuthentication.Scheme,
            Roles = roles.Length == 0 ? null : string.Join(',', roles),
        })
        .WithMetadata(ConsolePageMetadata.Instance)
        .ExcludeFromDescription();
}
