using System.Data.Common;
using System.Text.Json;
using Warden.Core;

namespace Warden.Server.Http;

/// <summary>
/// Turns every failure into a JSON answer: <see cref="WardenException"/> keeps its status, malformed input is 400, an
/// oversized body 413, undecodable JSON text (invalid UTF-8, lone surrogates) 400, a database that is unreachable 503, and
/// anything unexpected is logged and answered 500 without internals.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (WardenException ex)
        {
            if (ex.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            if (ex.Headers is not null && !context.Response.HasStarted)
            {
                foreach (var (name, value) in ex.Headers)
                {
                    context.Response.Headers[name] = value;
                }
            }

            await ErrorResponses.WriteAsync(context, ex.StatusCode, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await ErrorResponses.WriteAsync(context, ex.StatusCode, ex.Message);
        }
        catch (JsonException ex)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed JSON: " + ex.Message);
        }
        catch (InvalidOperationException ex) when (IsUndecodableJsonText(ex))
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                "malformed JSON: strings must be valid UTF-8 and escapes must not leave a lone surrogate (" + ex.Message + ")");
        }
        catch (DbException ex) when (ex.IsTransient && !context.Response.HasStarted)
        {
            // The database is down or restarting: the request may be retried, and the server reconnects by itself.
            LogDatabaseUnavailable(ex, context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
            await ErrorResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "the database is unavailable; retry shortly");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            LogUnhandled(ex, context.Request.Method, context.Request.Path);
            await ErrorResponses.WriteAsync(context, StatusCodes.Status500InternalServerError, "internal server error; the event was logged");
        }
    }

    // System.Text.Json reads a string value lazily and reports invalid UTF-8 or a lone "\ud800" escape in it as an
    // InvalidOperationException rather than a JsonException (its Source is "System.Text.Json.Rethrowable" where the
    // serializer would rethrow it as one): on any endpoint that reads a client's JSON, that is bad input.
    private static bool IsUndecodableJsonText(InvalidOperationException ex) =>
        ex.Source is not null && ex.Source.StartsWith("System.Text.Json", StringComparison.Ordinal) && (ex.Message.Contains("UTF-8", StringComparison.Ordinal) || ex.Message.Contains("UTF-16", StringComparison.Ordinal));

    [LoggerMessage(1, LogLevel.Error, "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);

    [LoggerMessage(2, LogLevel.Warning, "Database unavailable on {Method} {Path}")]
    private partial void LogDatabaseUnavailable(Exception exception, string method, string path);
}
