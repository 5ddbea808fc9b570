namespace Warden.Server.Grpc;

/// <summary>The gRPC transport (<c>Warden:Grpc</c>).</summary>
public sealed class GrpcOptions
{
    /// <summary>
    /// Listening URLs of the gRPC service, separated by <c>;</c>. Unset: the first REST URL's scheme and host with the port
    /// after REST's (<c>http://127.0.0.1:8081</c> beside the default <c>8080</c>; port 0 stays 0). <c>none</c> turns gRPC off.
    /// An <c>https</c> URL uses the server's certificate.
    /// </summary>
    public string? Urls { get; set; }
}
