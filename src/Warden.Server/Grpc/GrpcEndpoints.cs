namespace Warden.Server.Grpc;

/// <summary>
/// Where the gRPC service listens. Cleartext Kestrel cannot serve HTTP/1.1 and HTTP/2 on one port (h2c needs prior
/// knowledge), so gRPC gets ports of its own, as in KServe and Triton.
/// </summary>
internal static class GrpcEndpoints
{
    /// <summary>Value of <c>Warden:Grpc:Urls</c> that turns the gRPC listener off.</summary>
    public const string Off = "none";

    /// <summary>The gRPC URLs: <paramref name="configured"/> as given, else derived from the first REST URL (its port + 1).</summary>
    public static string[] Resolve(string? configured, string restUrls)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().Equals(Off, StringComparison.OrdinalIgnoreCase) ? [] : Split(configured);
        }

        var first = Split(restUrls).FirstOrDefault();
        if (first is null)
        {
            return [];
        }

        var address = BindingAddress.Parse(first);
        var port = address.Port == 0 ? 0 : address.Port + 1;
        return [$"{address.Scheme}://{address.Host}:{port}"];
    }

    /// <summary>Splits a <c>;</c>-separated URL list.</summary>
    public static string[] Split(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
