using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Warden.Edge;

/// <summary>
/// The agent's HTTP listener: Kestrel with its socket transport, created directly and handed one request delegate — no
/// generic host, no service container, no configuration. Measured under Native AOT, building and starting the web host
/// (service container call sites resolved by reflection, hosted services, options) was about a third of the agent's
/// main-thread start-up; the agent needs none of it (its endpoints are a fixed set, routed by <see cref="EdgeAgent"/>).
/// </summary>
internal sealed class EdgeHttpServer : IHttpApplication<HttpContext>, IServiceProvider, IAsyncDisposable
{
    private readonly KestrelServer _server;
    private readonly RequestDelegate _handler;
    private int _stopped;

    private EdgeHttpServer(string url, RequestDelegate handler)
    {
        _handler = handler;
        var options = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = this };
        _server = new KestrelServer(Options.Create(options), new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance), NullLoggerFactory.Instance);
        _server.Features.Get<IServerAddressesFeature>()!.Addresses.Add(url);
    }

    /// <summary>The address the server listens on (the port assigned when the URL asked for port 0).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts listening on <paramref name="url"/> and answering every request with <paramref name="handler"/>.</summary>
    public static async Task<EdgeHttpServer> StartAsync(string url, RequestDelegate handler, CancellationToken cancellationToken)
    {
        var server = new EdgeHttpServer(url, handler);
        try
        {
            await server._server.StartAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = server._server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Stops accepting connections and lets requests in flight finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _server.Dispose();
    }

    HttpContext IHttpApplication<HttpContext>.CreateContext(IFeatureCollection contextFeatures) =>
        new DefaultHttpContext(contextFeatures) { RequestServices = this };

    Task IHttpApplication<HttpContext>.ProcessRequestAsync(HttpContext context) => _handler(context);

    void IHttpApplication<HttpContext>.DisposeContext(HttpContext context, Exception? exception)
    {
    }

    // What the request services are asked for: results written with Results.Json take a logger factory from them.
    object? IServiceProvider.GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? NullLoggerFactory.Instance : null;
}
