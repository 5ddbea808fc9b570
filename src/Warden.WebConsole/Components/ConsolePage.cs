using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Warden.Core.Access;
using Warden.Core.Registry;
using Warden.WebConsole.Auth;

namespace Warden.WebConsole.Components;

/// <summary>Base of the console's pages: the request and the signed-in key, and formatting shared by every page.</summary>
public abstract class ConsolePage : ComponentBase
{
    /// <summary>The request being rendered (static server rendering always has one).</summary>
    [CascadingParameter]
    public HttpContext HttpContext { get; set; } = default!;

    [Inject]
    private ModelRegistry Registry { get; set; } = default!;

    /// <summary>The key behind the session.</summary>
    protected ApiKeyRecord Key => ConsoleSession.Require(HttpContext);

    /// <summary>True when the session's role is one of <paramref name="roles"/>.</summary>
    protected bool IsRole(params string[] roles) => roles.Contains(Key.Role, StringComparer.Ordinal);

    /// <summary>Cancelled when the browser goes away.</summary>
    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>The models this key may see, by name.</summary>
    protected IReadOnlyList<string> VisibleModels() =>
        Registry.Models.Keys.Where(Key.CanUseModel).Order(StringComparer.Ordinal).ToList();

    /// <summary><paramref name="requested"/> when the key may see it, else the first visible model (null when none); a request for a
    /// model outside the key's scope answers 404 like the API.</summary>
    protected string? PickModel(string? requested)
    {
        var visible = VisibleModels();
        if (!string.IsNullOrEmpty(requested))
        {
            if (visible.Contains(requested, StringComparer.Ordinal))
            {
                return requested;
            }

            HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return null;
        }

        return visible.Count > 0 ? visible[0] : null;
    }

    protected static string Num(double? value, string format = "0.###") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    protected static string When(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "–";
}
