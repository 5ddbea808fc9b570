using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;
using Warden.Core;
using Warden.Server.Grpc;

namespace Warden.Server.Hosting;

/// <summary>Registers and maps the Open Inference Protocol's gRPC service.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>Adds the gRPC service; messages may be as large as an inference body over REST.</summary>
    public static IServiceCollection AddWardenGrpc(this IServiceCollection services)
    {
        services.AddOptions<GrpcOptions>().BindConfiguration("Warden:Grpc");
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<WardenOptions>>((grpc, warden) =>
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, warden.Value.MaxRequestBodyBytes));
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

        var endpoints = new Dictionary<string, string?>();
        var rest = GrpcEndpoints.Split(restUrls);
        for (var i = 0; i < rest.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:Rest{i}:Url"] = rest[i];
        }

        for (var i = 0; i < grpcUrls.Length; i++)
        {
            endpoints[$"Kestrel:Endpoints:Grpc{i}:Url"] = grpcUrls[i];
            endpoints[$"Kestrel:Endpoints:Grpc{i}:Protocols"] = "Http2";
        }

        builder.Configuration.AddInMemoryCollection(endpoints);

        // The URLs now live in the endpoints; leaving them in `urls` too would make Kestrel warn that it overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        return builder;
    }
}
