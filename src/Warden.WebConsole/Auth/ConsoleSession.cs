using Microsoft.AspNetCore.Http;
using Warden.Core.Access;

namespace Warden.WebConsole.Auth;

/// <summary>The API key behind the current console session, read fresh from the key store on each request.</summary>
public static class ConsoleSession
{
    private static readonly object Slot = new();

    internal static void Set(HttpContext context, ApiKeyRecord key) => context.Items[Slot] = key;

    /// <summary>The signed-in key; only valid on pages that require a session.</summary>
    public static ApiKeyRecord Require(HttpContext context) =>
        context.Items.TryGetValue(Slot, out var value) && value is ApiKeyRecord key
            ? key
            : throw new InvalidOperationException("console page reached without a session");

    /// <summary>The signed-in key or null.</summary>
    public static ApiKeyRecord? Find(HttpContext context) => context.Items.TryGetValue(Slot, out var value) ? value as ApiKeyRecord : null;
}
