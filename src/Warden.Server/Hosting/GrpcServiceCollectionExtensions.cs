using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Server.Grpc;

namespace Warden.Server.Hosting;

/// <summary>Registers and maps the Open Inference Protocol's gRPC service.</summary>
public static class GrpcServiceCollectionExtensions
{
    // Largest HTTP/2 window given to a client (32 MiB, the default inference body limit).
    private const int MaxFlowControlWindow = 32 << 20;

    /// <summary>Adds the gRPC service; messages may be as large as an inference body over REST.</summary>
    public static IServiceCollection AddWardenGrpc(this IServiceCollection services)
    {
        services.AddOptions<GrpcOptions>().BindConfiguration("Warden:Grpc");
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<WardenOptions>>((grpc, warden) =>
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, warden.Value.MaxRequestBodyBytes));

        // HTTP/2 flow control: with Kestrel's default windows (96 KiB a stream, 128 KiB the connection) a client sending one
        // 224x224 FP32 image (602 KB) stops six times to wait for WINDOW_UPDATE frames. A unary call is buffered whole
        // before the service sees it, so windows as large as a message cost no memory that the call would not take anyway.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<WardenOptions>>((kestrel, warden) =>
        {
            var window = (int)Math.Clamp(warden.Value.MaxRequestBodyBytes, 1 << 20, MaxFlowControlWindow);
            kestrel.Limits.Http2.InitialStreamWindowSize = window;
            kestrel.Limits.Http2.InitialConnectionWindowSize = Math.Min(MaxFlowControlWindow, 2 * window);
        });
        return services;
    }

    /// <summary>Maps <c>inference.GRPCInferenceService</c>.</summary>
    public static IEndpointRouteBuilder MapWardenGrpc(this IEndpointRouteBuilder app)
    {
        app.MapGrpcService<InferenceGrpcService>();
        return app;
    }

    /// <summary>
    /// Listens for gRPC (HTTP/2 only) beside REST. Kestrel binds either its configured endpoints or the <c>urls</c> setting,
    /// never both, so when gRPC is on, REST's URLs become configured endpoints too. Nothing changes when the host already
    /// configures <c>Kestrel:Endpoints</c> itself.
    /// </summary>
    public static WebApplicationBuilder AddWardenGrpcEndpoints(this WebApplicationBuilder builder, string restUrls)
    {
        var grpcUrls = GrpcEndpoints.Resolve(builder.Configuration["Warden:Grpc:Urls"], restUrls);
        if (grpcUrls.Length == 0 || builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return builder;
        }

        // Kestrel binds endpoints in the configuration's key order and app.Urls lists them the same way; callers (tests,
        // the CLI's "listening on" line) take the first URL as REST's, so REST's names must sort before gRPC's.
        var endpoints = new Dictionary<string, string?>();
        var rest = GrpcEndpoints.Split(restUrls);
        for (var i = 0; i < rest.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:A{i}Rest:Url"] = rest[i];
        }

        for (var i = 0; i < grpcUrls.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:B{i}Grpc:Url"] = grpcUrls[i];
            endpoints[$"Kestrel:Endpoints:B{i}Grpc:Protocols"] = "Http2";
        }

        builder.Configuration.AddInMemoryCollection(endpoints);

        // The URLs now live in the endpoints; leaving them in `urls` too would make Kestrel warn that it overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        return builder;
    }
}
