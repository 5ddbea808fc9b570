namespace Warden.Core;

/// <summary>A client error (bad input, unknown model, conflict …) with the HTTP status it maps to (400, 404, 413, 503 …).</summary>
public sealed class WardenException : Exception
{
    public WardenException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    public WardenException()
        : this(400, "bad request")
    {
    }

    public WardenException(string message)
        : this(400, message)
    {
    }

    public WardenException(string message, Exception innerException)
        : base(message, innerException) => StatusCode = 400;

    /// <summary>HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>Extra HTTP headers of the error answer (e.g. <c>Retry-After</c> and <c>RateLimit-*</c> on a 429).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public static WardenException BadRequest(string message) => new(400, message);

    public static WardenException NotFound(string message) => new(404, message);

    public static WardenException Conflict(string message) => new(409, message);
}
