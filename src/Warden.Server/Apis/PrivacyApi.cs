using Microsoft.Extensions.Options;
using Warden.Core.Privacy;
using Warden.Core.Storage.Sql;
using Warden.Server.Auth;
using Warden.Server.Http;

namespace Warden.Server.Apis;

/// <summary>
/// Privacy at rest: <c>GET /api/privacy/keys</c> (auditor, admin) shows which payload keys are configured and how many
/// stored rows are under each; <c>POST /api/privacy/reencrypt</c> (admin) re-writes every row that is not under the
/// active key, in batches, and records the run in the audit chain.
/// </summary>
public static class PrivacyApi
{
    /// <summary>Maps the privacy endpoints.</summary>
    public static WebApplication UseWardenPrivacy(this WebApplication app)
    {
        var privacy = app.MapGroup("/api/privacy").WithTags("privacy");
        privacy.MapGet("/keys", async (PayloadCipher cipher, PredictionRedactor redactor, SqlPayloadReencryptor payloads, IOptions<PrivacyOptions> options, CancellationToken ct) =>
        {
            var rows = await payloads.CountByKeyAsync(ct);
            return new
            {
                encryption = cipher.Enabled,
                activeKeyId = cipher.ActiveKeyId,
                keyIds = cipher.KeyIds,
                hashKeyConfigured = redactor.CanHash,
                redactPii = options.Value.RedactPii,
                rows = rows.Select(r => new { table = r.Table, keyId = r.KeyId, rows = r.Rows, readable = cipher.CanRead(r.KeyId), current = r.KeyId == cipher.ActiveKeyId }),
            };
        }).RequireAuthorization(WardenPolicies.Audit)
            .WithName("GetPrivacyKeys").WithSummary("Payload encryption keys and the rows each one seals");
        privacy.MapPost("/reencrypt", (HttpContext context, SqlPayloadReencryptor payloads) =>
            payloads.ReencryptAsync(context.RequireApiKey().Id, context.RequestAborted)).RequireAuthorization(WardenPolicies.Admin)
            .WithName("ReencryptPayloads").WithSummary("Re-encrypt stored payloads under the active key");
        return app;
    }
}
