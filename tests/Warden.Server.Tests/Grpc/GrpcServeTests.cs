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

    [Fact]
    public async Task Requests_larger_than_a_receive_block_are_read_whole_over_REST_and_gRPC()
    {
        var port = WardenProcess.FreePort();
        var grpcPort = WardenProcess.FreePort();
        using var server = WardenProcess.Serve("--data-dir", _dataDir.Path, "--urls", $"http://127.0.0.1:{port}", "--grpc-urls", $"http://127.0.0.1:{grpcPort}");
        var secret = await server.WaitForOutputAsync(KeyPattern());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        await server.WaitReadyAsync(http);

        // A parameter several receive blocks long (Kestrel reads into 64 KiB blocks): the body spans many of them.
        var padding = new string('x', 5 * Warden.Server.Hosting.ReceiveBlockPool.BlockSize / 2 + 123);
        var small = await http.PostAsJsonAsync("/v2/models/credit-risk/infer", V2Requests.CreditRisk(), TestContext.Current.CancellationToken);
        var large = await http.PostAsJsonAsync("/v2/models/credit-risk/infer",
            V2Requests.CreditRisk(parameters: new System.Text.Json.Nodes.JsonObject { ["padding"] = padding }), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, large.StatusCode);
        Assert.Equal(Outputs(await small.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)),
            Outputs(await large.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));

        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + secret } }, DateTime.UtcNow.AddMinutes(1), TestContext.Current.CancellationToken);
        var request = new ModelInferRequest { ModelName = "credit-risk", Parameters = { ["padding"] = new InferParameter { StringParam = padding } } };
        for (var i = 0; i < V2Requests.CreditRiskInputs.Length; i++)
        {
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = V2Requests.CreditRiskInputs[i], Datatype = "FP32", Shape = { 1, 1 } });
            request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(BitConverter.GetBytes((float)V2Requests.Applicant[i])));
        }

        var response = await client.ModelInferAsync(request, options);
        Assert.NotEmpty(response.RawOutputContents);
    }

    private static string Outputs(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("outputs").GetRawText();

    public void Dispose() => _dataDir.Dispose();

    [GeneratedRegex("wdn_[A-Za-z0-9_-]{43}")]
    private static partial Regex KeyPattern();
}
