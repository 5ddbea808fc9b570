using Grpc.Core;

namespace Warden.Server.Grpc;

/// <summary>Maps the HTTP statuses of Warden's refusals to gRPC status codes, so both transports refuse alike.</summary>
internal static class GrpcStatuses
{
    public static StatusCode FromHttp(int status) => status switch
    {
        400 or 422 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        409 => StatusCode.FailedPrecondition,
        413 or 429 => StatusCode.ResourceExhausted,
        503 => StatusCode.Unavailable,
        504 => StatusCode.DeadlineExceeded,
        _ when status >= 500 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };

    /// <summary>True for a gRPC call (any <c>application/grpc</c> content type).</summary>
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
