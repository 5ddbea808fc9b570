using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Warden.WebConsole.Auth;

namespace Warden.WebConsole.Hosting;

/// <summary>The console's endpoints that are not pages: sign-out.</summary>
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
        })
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ConsoleAuthentication.Scheme })
            .WithMetadata(ConsolePageMetadata.Instance)
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }
}
