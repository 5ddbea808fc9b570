using System.Diagnostics;

namespace Warden.Server.Http;

/// <summary>
/// One log line per request once it is answered: method, route template (the path when no endpoint matched), status,
/// latency and the id of the key that authenticated it. Never the key itself, a header or a body: the line is safe to ship
/// to any log store. Client errors are logged like successes, so a 400 on inference is visible without a debugger; server
/// errors log at warning. Outermost, so it sees the status the error handler chose.
/// </summary>
public sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            // Warning-only configurations (the load benchmark) still hear about server errors.
            await next(context);
            if (context.Response.StatusCode >= 500)
            {
                Write(context, 0, LogLevel.Warning);
            }

            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Write(context, Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Response.StatusCode >= 500 ? LogLevel.Warning : LogLevel.Information);
        }
    }

    private void Write(HttpContext context, double milliseconds, LogLevel level)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "/";
        var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
        LogRequest(level, context.Request.Method, route, status, Math.Round(milliseconds, 2), context.GetApiKey()?.Id ?? "-");
    }

    [LoggerMessage(EventId = 1, Message = "{Method} {Route} {StatusCode} {ElapsedMs} ms key={KeyId}")]
    private partial void LogRequest(LogLevel level, string method, string route, int statusCode, double elapsedMs, string keyId);
}
