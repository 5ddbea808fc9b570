using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Warden.Core.Access;
using Warden.Core.Telemetry;
using Warden.Server.Http;

namespace Warden.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-API-Key: &lt;key&gt;</c>. Challenges and refusals answer with a
/// JSON body, in the protocol's <c>{"error": …}</c> shape, so clients always learn why.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Scheme name.</summary>
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        using var span = WardenActivitySource.Start("warden.auth");
        var record = await keys.AuthenticateAsync(secret, Context.RequestAborted);
        if (record is null)
        {
            span?.SetTag("warden.auth.result", "refused");
            return AuthenticateResult.Fail("invalid, expired or revoked API key");
        }

        span?.SetTag("warden.auth.result", "authenticated");
        span?.SetTag("warden.key.id", record.Id);

        Context.SetApiKey(record);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, record.Id), new Claim(ClaimTypes.Name, record.Name), new Claim(ClaimTypes.Role, record.Role)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var message = ReadSecret(Request) is null
            ? "authentication required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
            : "invalid, expired or revoked API key";
        Response.Headers.WWWAuthenticate = "Bearer";
        return ErrorResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.GetApiKey()?.Role ?? "unknown";
        return ErrorResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, $"the '{role}' role may not do this");
    }

    private static string? ReadSecret(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = authorization[7..].Trim();
            return value.Length == 0 ? null : value;
        }

        var header = request.Headers["X-API-Key"].ToString().Trim();
        return header.Length == 0 ? null : header;
    }
}
