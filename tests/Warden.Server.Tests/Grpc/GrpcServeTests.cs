using System.Net.Http.Json;
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
        using var served = await ServeAsync();
        var (client, options) = (served.Client, served.Options);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), options)).Ready);
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "credit-risk" }, options);
        Assert.Equal(12, metadata.Inputs.Count);
    }

    [Fact]
    public async Task Requests_larger_than_a_receive_block_are_read_whole_over_REST_and_gRPC()
    {
        using var served = await ServeAsync();
        var http = served.Http;

        // A parameter several receive blocks long (Kestrel reads into 64 KiB blocks): the body spans many of them.
        var padding = new string('x', 5 * Warden.Server.Hosting.ReceiveBlockPool.BlockSize / 2 + 123);
        var small = await http.PostAsJsonAsync("/v2/models/credit-risk/infer", V2Requests.CreditRisk(), TestContext.Current.CancellationToken);
        var large = await http.PostAsJsonAsync("/v2/models/credit-risk/infer",
            V2Requests.CreditRisk(parameters: new System.Text.Json.Nodes.JsonObject { ["padding"] = padding }), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, large.StatusCode);
        Assert.Equal(Outputs(await small.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)),
            Outputs(await large.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));

        var request = new ModelInferRequest { ModelName = "credit-risk", Parameters = { ["padding"] = new InferParameter { StringParam = padding } } };
        for (var i = 0; i < V2Requests.CreditRiskInputs.Length; i++)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = V2Requests.CreditRiskInputs[i], Datatype = "FP32", Shape = { 1, 1 } });
            request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(BitConverter.GetBytes((float)V2Requests.Applicant[i])));
        }

        var response = await served.Client.ModelInferAsync(request, served.Options);
        Assert.NotEmpty(response.RawOutputContents);
    }

    private static string Outputs(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("outputs").GetRawText();

    public void Dispose() => _dataDir.Dispose();

    // warden serve with REST and gRPC on ports of their own, ready, with the admin key it printed on REST and gRPC clients.
    private async Task<Served> ServeAsync()
    {
        var port = WardenProcess.FreePort();
        var grpcPort = WardenProcess.FreePort();
        var server = WardenProcess.Serve("--data-dir", _dataDir.Path, "--urls", $"http://127.0.0.1:{port}", "--grpc-urls", $"http://127.0.0.1:{grpcPort}");
        var secret = await server.WaitForOutputAsync(KeyPattern());
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await server.WaitReadyAsync(http);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + secret } }, DateTime.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken);
        return new Served(server, http, channel, new GRPCInferenceService.GRPCInferenceServiceClient(channel), options);
    }

    private sealed record Served(WardenProcess Server, HttpClient Http, GrpcChannel Channel, GRPCInferenceService.GRPCInferenceServiceClient Client, CallOptions Options) : IDisposable
    {
        public void Dispose()
        {
            Channel.Dispose();
            Http.Dispose();
            Server.Dispose();
        }
    }

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
