using System.Diagnostics;
using System.Runtime.CompilerServices;
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

    // The successful result of a key (its claims, principal and ticket) is built once per record the key service hands out and
    // shared by that record's requests. Records are immutable and the service returns a new one whenever it reads the store
    // again, and its lookup still decides every request, so revocation, suspension, expiry and any change to the stored key
    // take effect exactly as before; only building identical objects per request is saved. Keyed weakly by the record, so a
    // result goes with the record the service no longer holds.
    private static readonly ConditionalWeakTable<ApiKeyRecord, Task<AuthenticateResult>> Authenticated = new();
    private static readonly ConditionalWeakTable<ApiKeyRecord, Task<AuthenticateResult>>.CreateValueCallback CreateResult = AuthenticatedResult;
    private static readonly Task<AuthenticateResult> NoKey = Task.FromResult(AuthenticateResult.NoResult());

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadSecret(Request);
        if (secret is null)
        {
            return NoKey;
        }

        var span = WardenActivitySource.Start("warden.auth");
        var lookup = keys.AuthenticateAsync(secret, Context.RequestAborted);
        return span is null && lookup.IsCompletedSuccessfully ? ResultFor(lookup.Result) : AwaitLookupAsync(lookup, span);
    }

    private async Task<AuthenticateResult> AwaitLookupAsync(ValueTask<ApiKeyRecord?> lookup, Activity? span)
    {
        using (span)
        {
            var record = await lookup;
            span?.SetTag("warden.auth.result", record is null ? "refused" : "authenticated");
            if (record is not null)
            {
                span?.SetTag("warden.key.id", record.Id);
            }

            return await ResultFor(record);
        }
    }

    private Task<AuthenticateResult> ResultFor(ApiKeyRecord? record)
    {
        if (record is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid, expired or revoked API key"));
        }

        Context.SetApiKey(record);
        return Authenticated.GetValue(record, CreateResult);
    }

    private static Task<AuthenticateResult> AuthenticatedResult(ApiKeyRecord record)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, record.Id), new Claim(ClaimTypes.Name, record.Name), new Claim(ClaimTypes.Role, record.Role)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
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
            // Cut afresh for every request. Remembering the last header per thread saved one small string, but it compared
            // each caller's header, with an early-exit comparison, against the previous caller's secret on that thread.
            var value = authorization[7..].Trim();
            return value.Length == 0 ? null : value;
        }

        var header = request.Headers["X-API-Key"].ToString().Trim();
        return header.Length == 0 ? null : header;
    }
}
