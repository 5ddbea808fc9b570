using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Warden.Contracts.Admin;
using Warden.Contracts.Grpc;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Grpc;

/// <summary>
/// Triton's repository and statistics extensions over gRPC, through a client generated from the proto: the same index,
/// load/unload and figures as the REST routes (<c>RepositoryExtensionTests</c>, <c>StatisticsExtensionTests</c>).
/// </summary>
public sealed class GrpcRepositoryAndStatisticsTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CallOptions Options(string key) => new(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddMinutes(2), Ct);

    private GRPCInferenceService.GRPCInferenceServiceClient Client()
    {
        _ = factory.CreateClient();
        var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        return new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    private async Task<string> KeyAsync(string role, params string[] models)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new { name = role + Guid.NewGuid().ToString("N")[..6], role, models }, Ct);
        return (await response.Content.ReadFromJsonAsync<CreatedKey>(Ct))!.Secret;
    }

    [Fact]
    public async Task ModelStatistics_over_gRPC_reports_the_figures_the_REST_route_reports()
    {
        var admin = factory.Admin();
        for (var i = 0; i < 3; i++)
        {
            (await admin.InferAsync(V2Requests.CreditRisk())).EnsureSuccessStatusCode();
        }

        var rest = await admin.GetFromJsonAsync<JsonElement>("/v2/models/credit-risk/stats", Ct);
        var grpc = await Client().ModelStatisticsAsync(new ModelStatisticsRequest { Name = "credit-risk" }, Options(WardenFactory.AdminKey));

        var restStats = rest.GetProperty("model_stats").EnumerateArray().ToList();
        Assert.Equal(restStats.Count, grpc.ModelStats.Count);
        var served = grpc.ModelStats.Single(s => s.InferenceCount > 0);
        var sameVersion = restStats.Single(s => s.GetProperty("version").GetString() == served.Version);
        // Counters may move between the two reads only if another test infers; this class's factory serves only this test.
        Assert.Equal(sameVersion.GetProperty("inference_count").GetUInt64(), served.InferenceCount);
        Assert.Equal(sameVersion.GetProperty("execution_count").GetUInt64(), served.ExecutionCount);
        Assert.Equal(sameVersion.GetProperty("inference_stats").GetProperty("success").GetProperty("count").GetUInt64(), served.InferenceStats.Success.Count);
        Assert.True(served.InferenceCount >= 3);
        Assert.True(served.InferenceStats.Success.Ns > 0);

        var missing = await Assert.ThrowsAsync<RpcException>(() => Client().ModelStatisticsAsync(new ModelStatisticsRequest { Name = "no-such-model" }, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task RepositoryIndex_unload_and_load_over_gRPC_change_what_serves_and_need_a_deployer()
    {
        var client = Client();
        var admin = Options(WardenFactory.AdminKey);
        var index = await client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, admin);
        Assert.Contains(index.Models, m => m.Name == "credit-risk" && m.State == "READY");

        var consumer = Options(await KeyAsync("consumer", "credit-risk"));
        var denied = await Assert.ThrowsAsync<RpcException>(() => client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "credit-risk" }, consumer).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);

        var badParameter = new RepositoryModelLoadRequest { ModelName = "credit-risk" };
        badParameter.Parameters["config"] = new ModelRepositoryParameter { StringParam = "{}" };
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.RepositoryModelLoadAsync(badParameter, admin).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("settings/serving", refused.Status.Detail, StringComparison.Ordinal);

        await client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "credit-risk" }, admin);
        try
        {
            var unloaded = await client.RepositoryIndexAsync(new RepositoryIndexRequest(), admin);
            Assert.All(unloaded.Models.Where(m => m.Name == "credit-risk"), m => Assert.Equal("UNAVAILABLE", m.State));
            Assert.False((await client.ModelReadyAsync(new ModelReadyRequest { Name = "credit-risk" }, admin)).Ready);
        }
        finally
        {
            await client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "credit-risk" }, admin);
        }

        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "credit-risk" }, admin)).Ready);
    }
}
