using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Warden.Contracts.Grpc;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Grpc;

/// <summary><c>warden serve</c> listens for gRPC (cleartext HTTP/2) on its own port beside REST.</summary>
public sealed partial class GrpcServeTests : IDisposable
{
    private readonly TempDataDir _dataDir = new();

    [Fact]
    public async Task Serve_with_grpc_urls_answers_gRPC_on_that_port_and_REST_on_its_own()
    {
        var port = WardenProcess.FreePort();
        var grpcPort = WardenProcess.FreePort();
        using var server = WardenProcess.Serve("--data-dir", _dataDir.Path, "--urls", $"http://127.0.0.1:{port}", "--grpc-urls", $"http://127.0.0.1:{grpcPort}");
        var secret = await server.WaitForOutputAsync(KeyPattern());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await server.WaitReadyAsync(http);

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + secret } }, DateTime.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), options)).Ready);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "credit-risk" }, options);
        Assert.Equal(12, metadata.Inputs.Count);
    }

    public void Dispose() => _dataDir.Dispose();

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
