using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Warden.Contracts.Admin;
using Warden.Contracts.Grpc;
using Warden.Core.Tensors;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Grpc;

/// <summary>
/// The gRPC transport through a client generated from <c>grpc_predict_v2.proto</c>: same answers, keys, refusals and
/// prediction log as REST.
/// </summary>
public sealed class GrpcInferenceTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    private static CallOptions Options(string? key) => new(
        headers: key is null ? null : new Metadata { { "authorization", "Bearer " + key } },
        deadline: DateTime.UtcNow.AddMinutes(2),
        cancellationToken: TestContext.Current.CancellationToken);

    private GRPCInferenceService.GRPCInferenceServiceClient Client()
    {
        _ = factory.CreateClient();
        var channel = GrpcChannel.ForAddress(factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() });
        return new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    private static ModelInferRequest CreditRisk(string? id = null)
    {
        var request = new ModelInferRequest { ModelName = "credit-risk" };
        if (id is not null)
        {
            request.Id = id;
        }

        for (var i = 0; i < V2Requests.CreditRiskInputs.Length; i++)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = V2Requests.CreditRiskInputs[i], Datatype = "FP32", Shape = { 1, 1 } };
            input.Contents = new InferTensorContents { Fp32Contents = { (float)V2Requests.Applicant[i] } };
            request.Inputs.Add(input);
        }

        return request;
    }

    private async Task<string> KeyAsync(string role, params string[] models)
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/keys", new { name = role + Guid.NewGuid().ToString("N")[..6], role, models }, TestContext.Current.CancellationToken);
        return (await response.Content.ReadFromJsonAsync<CreatedKey>(TestContext.Current.CancellationToken))!.Secret;
    }

    [Fact]
    public async Task ServerLive_and_ServerReady_answer_without_a_key()
    {
        var client = Client();
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest(), Options(null))).Live);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest(), Options(null))).Ready);
    }

    [Fact]
    public async Task ModelInfer_answers_as_the_REST_endpoint_does_and_logs_the_prediction()
    {
        var client = Client();
        var id = "grpc-" + Guid.NewGuid().ToString("N");
        var answer = await client.ModelInferAsync(CreditRisk(id), Options(WardenFactory.AdminKey));

        var rest = await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        Assert.Equal(id, answer.Id);
        Assert.Equal("credit-risk", answer.ModelName);
        Assert.Equal(rest.GetProperty("model_version").GetString(), answer.ModelVersion);
        foreach (var output in rest.GetProperty("outputs").EnumerateArray())
        {
            var grpc = answer.Outputs.Single(o => o.Name == output.GetProperty("name").GetString());
            Assert.Equal(output.GetProperty("datatype").GetString(), grpc.Datatype);
            Assert.Equal(output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()), grpc.Shape);
            Assert.Empty(answer.RawOutputContents);
            var values = output.GetProperty("data").EnumerateArray().Select(v => v.GetRawText()).ToList();
            var typed = grpc.Datatype switch
            {
                "FP32" => grpc.Contents.Fp32Contents.Select(v => JsonSerializer.Serialize(v)).ToList(),
                "INT64" => grpc.Contents.Int64Contents.Select(v => JsonSerializer.Serialize(v)).ToList(),
                "BOOL" => grpc.Contents.BoolContents.Select(v => JsonSerializer.Serialize(v)).ToList(),
                _ => grpc.Contents.BytesContents.Select(v => JsonSerializer.Serialize(v.ToStringUtf8())).ToList(),
            };
            Assert.Equal(values, typed);
        }

        for (var attempt = 0; attempt < 400; attempt++)
        {
            var page = await factory.Admin().GetFromJsonAsync<Page<PredictionRecordInfo>>("/api/predictions?model=credit-risk&limit=1000", TestContext.Current.CancellationToken);
            if (page!.Items.Any(p => p.Id == id))
            {
                return;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"the gRPC prediction {id} never reached the prediction log");
    }

    [Fact]
    public async Task ModelInfer_refuses_like_REST_a_missing_key_a_role_without_inference_and_a_model_outside_the_scope()
    {
        var client = Client();
        var missing = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(CreditRisk(), Options(null)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);

        var wrong = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(CreditRisk(), Options("wdn_not_a_key")).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);

        var auditorKey = await KeyAsync("auditor");
        var auditor = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(CreditRisk(), Options(auditorKey)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, auditor.StatusCode);

        var scoped = await KeyAsync("consumer", "some-other-model");
        var hidden = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(CreditRisk(), Options(scoped)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, hidden.StatusCode);
        Assert.Contains("'credit-risk' is not found", hidden.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelInfer_refuses_malformed_inputs_with_InvalidArgument_naming_the_problem()
    {
        var client = Client();
        var wrongType = CreditRisk();
        wrongType.Inputs[0].Datatype = "FP64";
        var error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(wrongType, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'pirat' has datatype FP64", error.Status.Detail, StringComparison.Ordinal);

        var missingValue = CreditRisk();
        missingValue.Inputs[1].Contents.Fp32Contents.Clear();
        error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(missingValue, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("'hirat' has 0 values", error.Status.Detail, StringComparison.Ordinal);

        var shortRaw = CreditRisk();
        foreach (var input in shortRaw.Inputs)
        {
            input.Contents = null;
            shortRaw.RawInputContents.Add(ByteString.CopyFrom(new byte[3]));
        }

        error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(shortRaw, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("3 bytes of binary data", error.Status.Detail, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<RpcException>(() => client.ModelInferAsync(new ModelInferRequest { ModelName = "no-such-model" }, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Raw_input_contents_round_trip_every_datatype_into_raw_output_contents()
    {
        var deployed = await factory.Admin().PostAsync("/api/models/echo-grpc/versions", Deploy.Form(TestModels.EchoAllTypes(), stage: "production"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        var request = new ModelInferRequest { ModelName = "echo-grpc" };
        var sent = new Dictionary<string, byte[]>();
        foreach (var (wire, _) in TestModels.Types)
        {
            TensorDatatypes.TryParse(wire, out var datatype);
            var tensor = new NamedTensor("in_" + wire.ToLowerInvariant(), datatype, [2, 2], Sample(datatype));
            var bytes = TensorBytes.Encode(tensor);
            sent["out_" + wire.ToLowerInvariant()] = bytes;
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = tensor.Name, Datatype = wire, Shape = { 2, 2 } });
            request.RawInputContents.Add(ByteString.CopyFrom(bytes));
        }

        var answer = await Client().ModelInferAsync(request, Options(WardenFactory.AdminKey));
        Assert.Equal(answer.Outputs.Count, answer.RawOutputContents.Count);
        for (var i = 0; i < answer.Outputs.Count; i++)
        {
            Assert.Equal(sent[answer.Outputs[i].Name], answer.RawOutputContents[i].ToByteArray());
            Assert.Equal([2L, 2L], answer.Outputs[i].Shape);
        }
    }

    [Fact]
    public async Task ModelMetadata_and_ModelReady_describe_the_model_as_REST_does()
    {
        var client = Client();
        var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "credit-risk" }, Options(WardenFactory.AdminKey));
        var rest = await (await factory.Admin().GetAsync("/v2/models/credit-risk", TestContext.Current.CancellationToken)).ReadJsonAsync();
        Assert.Equal(rest.GetProperty("platform").GetString(), metadata.Platform);
        Assert.Equal(rest.GetProperty("inputs").EnumerateArray().Select(i => i.GetProperty("name").GetString()), metadata.Inputs.Select(i => i.Name));
        Assert.True((await client.ModelReadyAsync(new ModelReadyRequest { Name = "credit-risk" }, Options(WardenFactory.AdminKey))).Ready);

        var server = await client.ServerMetadataAsync(new ServerMetadataRequest(), Options(WardenFactory.AdminKey));
        Assert.Equal("warden", server.Name);

        var missing = await Assert.ThrowsAsync<RpcException>(() => client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }, Options(WardenFactory.AdminKey)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    private static Array Sample(TensorDatatype datatype) => datatype switch
    {
        TensorDatatype.Bool => new[] { true, false, false, true },
        TensorDatatype.UInt8 => new byte[] { 0, 1, 254, 255 },
        TensorDatatype.UInt16 => new ushort[] { 0, 1, 65534, 65535 },
        TensorDatatype.UInt32 => new uint[] { 0, 1, 4294967294, 4294967295 },
        TensorDatatype.UInt64 => new ulong[] { 0, 1, 2, ulong.MaxValue },
        TensorDatatype.Int8 => new sbyte[] { -128, -1, 0, 127 },
        TensorDatatype.Int16 => new short[] { -32768, -1, 0, 32767 },
        TensorDatatype.Int32 => new[] { int.MinValue, -1, 0, int.MaxValue },
        TensorDatatype.Int64 => new[] { long.MinValue, -1, 0, long.MaxValue },
        TensorDatatype.Fp16 => new[] { (Half)0.5, (Half)(-2), (Half)1024, (Half)0.25 },
        TensorDatatype.Fp32 => new[] { 0.5f, -2.25f, 3.4e38f, 1e-7f },
        TensorDatatype.Fp64 => new[] { 0.5, -2.25, 1.7e308, 1e-300 },
        _ => new[] { "plain", "ünïcødé", "", "with \"quotes\"" },
    };
}
