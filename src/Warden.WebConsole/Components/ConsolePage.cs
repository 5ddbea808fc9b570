using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Warden.WebConsole.Auth;
using Warden.Core.Access;

namespace Warden.WebConsole.Components;

/// <summary>Base of the console's pages: the request and the signed-in key, and formatting shared by every page.</summary>
public abstract class ConsolePage : ComponentBase
{
    /// <summary>The request being rendered (static server rendering always has one).</summary>
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    /// <summary>The key behind the session.</summary>
    protected ApiKeyRecord Key => ConsoleSession.Require(HttpContext);

    /// <summary>True when the session's role is one of <paramref name="roles"/>.</summary>
    protected bool IsRole(params string[] roles) => roles.Contains(Key.Role, StringComparer.Ordinal);

    /// <summary>Cancelled when the browser goes away.</summary>
    protected CancellationToken Aborted => HttpContext.RequestAborted;

    protected static string Num(double? value, string format = "0.###") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    protected static string When(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";
}
