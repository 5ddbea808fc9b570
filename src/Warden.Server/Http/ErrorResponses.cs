using System.Text.Json;

namespace Warden.Server.Http;

/// <summary>
/// Writes error bodies. The inference protocol's routes (<c>/v2</c>) use its <c>{"error": "…"}</c> shape; the admin API
/// uses RFC 7807 problem details, which also carry <c>error</c> so one client check fits both.
/// </summary>
public static class ErrorResponses
{
    /// <summary>Writes an error with <paramref name="status"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        if (Grpc.GrpcStatuses.IsGrpc(context.Request))
        {
            // A gRPC client reads the status from grpc-status, not from the HTTP status: answer trailers-only.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)Grpc.GrpcStatuses.FromHttp(status)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }

        context.Response.StatusCode = status;
        if (context.Request.Path.StartsWithSegments("/v2"))
        {
            context.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(context.Response.Body);
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
            await writer.FlushAsync(context.RequestAborted);
            return;
        }

        context.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ProblemBody
        {
            Status = status,
            Title = ReasonPhrase(status),
            Detail = message,
            Error = message,
        }, ProblemBodyContext.Default.ProblemBody, context.RequestAborted);
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
