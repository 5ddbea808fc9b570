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

/// <summary>The console's endpoints that are not pages: sign-out, and the small JSON feeds and event streams behind live updates.</summary>
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
            Results.Json(new { pending = Pending(queue, ConsoleSession.Require(context)) }))
            .WithConsole(WardenRoles.Admin, WardenRoles.Reviewer);
        app.MapGet("/usage/live", async (string? since, IAbuseAlertStore alerts, TimeProvider time, CancellationToken ct) =>
            Results.Json(new { alerts = await AlertsAsync(alerts, Since(since, time), ct) }))
            .WithConsole(WardenRoles.Admin, WardenRoles.Auditor);

        // The same counts as server-sent events (console.js prefers them and falls back to polling the feeds above).
        app.MapGet("/reviews/events", (HttpContext context, ReviewQueue queue, ConsoleLiveFeed feed) =>
        {
            var key = ConsoleSession.Require(context);
            return TypedResults.ServerSentEvents(feed.StreamAsync("pending", _ => Task.FromResult<long>(Pending(queue, key)), context.RequestAborted));
        }).WithConsole(WardenRoles.Admin, WardenRoles.Reviewer);
        app.MapGet("/usage/events", (string? since, HttpContext context, IAbuseAlertStore alerts, TimeProvider time, ConsoleLiveFeed feed) =>
        {
            var from = Since(since, time);
            return TypedResults.ServerSentEvents(feed.StreamAsync("alerts", ct => AlertsAsync(alerts, from, ct), context.RequestAborted));
        }).WithConsole(WardenRoles.Admin, WardenRoles.Auditor);
    }

    private static int Pending(ReviewQueue queue, Core.Access.ApiKeyRecord key) =>
        queue.List(null, ReviewStatus.Pending, 500).Count(i => key.CanUseModel(i.Model));

    private static async Task<long> AlertsAsync(IAbuseAlertStore alerts, DateTimeOffset from, CancellationToken ct) =>
        (await alerts.QueryAsync(from, null, null, 200, ct)).Count;

    private static DateTimeOffset Since(string? since, TimeProvider time) =>
        time.GetUtcNow() - Core.Monitoring.TimeWindow.Parse(string.IsNullOrWhiteSpace(since) ? "24h" : since, "since");

    private static RouteHandlerBuilder WithConsole(this RouteHandlerBuilder builder, params string[] roles) => builder
        .RequireAuthorization(new AuthorizeAttribute
        {
            AuthenticationSchemes = ConsoleAuthentication.Scheme,
            Roles = roles.Length == 0 ? null : string.Join(',', roles),
        })
        .WithMetadata(ConsolePageMetadata.Instance)
        .ExcludeFromDescription();
}
