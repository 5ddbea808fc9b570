using Warden.Core.Access;

namespace Warden.Server.Http;

/// <summary>The authenticated key of a request, kept on the <see cref="HttpContext"/>.</summary>
public static class HttpContextKeyExtensions
{
    private static readonly object Key = new();

    /// <summary>Stores the key that authenticated the request.</summary>
    public static void SetApiKey(this HttpContext context, ApiKeyRecord record) => context.Items[Key] = record;

    /// <summary>The key that authenticated the request, or null.</summary>
    public static ApiKeyRecord? GetApiKey(this HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as ApiKeyRecord : null;

    /// <summary>The authenticated key; only call behind an authorization policy.</summary>
    public static ApiKeyRecord RequireApiKey(this HttpContext context) =>
        context.GetApiKey() ?? throw new InvalidOperationException("endpoint reached without an authenticated key");
}
