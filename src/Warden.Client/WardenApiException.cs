using System.Net;

namespace Warden.Client;

/// <summary>A non-success answer from a Warden server, with the server's explanation.</summary>
public sealed class WardenApiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WardenApiException(HttpStatusCode statusCode, string message)
        : base(message) => StatusCode = statusCode;

    /// <summary>Creates the exception.</summary>
    public WardenApiException()
        : this(HttpStatusCode.InternalServerError, "request failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public WardenApiException(string message)
        : this(HttpStatusCode.InternalServerError, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WardenApiException(string message, Exception innerException)
        : base(message, innerException) => StatusCode = HttpStatusCode.InternalServerError;

    /// <summary>HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }
}
