using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Warden.Client;
using Warden.Contracts.Registry;
using Warden.Contracts.V2;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Client;

/// <summary>The packaged client (Warden.Client) against a running server: DI registration, typed tensors and results.</summary>
public sealed class WardenClientTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task AddWardenClient_deploys_infers_with_typed_tensors_and_sends_feedback()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = Services();
        var warden = services.GetRequiredService<WardenClient>();

        await using (var onnx = new MemoryStream(Deploy.CreditRiskOnnx()))
        {
            var deployed = await warden.DeployAsync("client-package", onnx, new ModelCard { Name = "client-package" }, stage: "production", cancellationToken: ct);
            Assert.Equal("production", deployed.Stage);
        }

        var inputs = V2Requests.CreditRiskInputs.Select((name, i) => InferenceInput.Fp32(name, [1, 1], (float)V2Requests.Applicant[i]));
        var response = await warden.InferAsync("client-package", inputs, ct);

        // The same request as raw JSON gives the same probability: the typed path loses nothing on the way.
        var raw = await (await factory.Admin().PostAsync("/v2/models/client-package/infer", V2Requests.Raw(V2Requests.CreditRisk().ToJsonString()), ct)).ReadJsonAsync();
        var expected = raw.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();
        var probability = response.Outputs.Single(o => o.Name == "probability");
        Assert.Equal([1L, 1L], probability.Shape);
        Assert.Equal(expected, probability.Data.ToDoubleArray()[0], 6);
        Assert.Equal((float)expected, probability.Data.ToSingleArray()[0], 5);
        var label = response.Outputs.Single(o => o.Name == "label");
        Assert.Single(label.Data.ToBooleanArray());

        var feedback = await warden.SendFeedbackAsync("client-package", response.Id, "1", ct);
        Assert.Equal(1, feedback.Accepted);
        Assert.Equal(1, feedback.Matched);

        var missing = await Assert.ThrowsAsync<WardenApiException>(() => warden.InferAsync("no-such-model", inputs, ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Typed_results_replace_raw_json_for_usage_privacy_checkpoints_and_retraining()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = Services();
        var warden = services.GetRequiredService<WardenClient>();
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk())).StatusCode);

        var usage = await warden.GetUsageAsync(model: "credit-risk", cancellationToken: ct);
        Assert.True(usage.Totals.Requests >= 1);
        Assert.Equal(usage.Totals.Requests, usage.Buckets.Sum(b => b.Requests));
        Assert.All(usage.Buckets, b => Assert.Equal("credit-risk", b.Model));

        var privacy = await warden.GetPrivacyKeysAsync(ct);
        Assert.Contains(privacy.Rows, r => r.Table == "predictions" && r.Rows >= 1);

        var checkpoint = await warden.CheckpointAuditAsync(ct);
        var verification = await warden.VerifyAuditAsync(ct);
        Assert.True(checkpoint.Size >= 1);
        Assert.False(string.IsNullOrEmpty(checkpoint.Signature));
        Assert.True(verification.EntriesChecked >= checkpoint.Size);

        var jobs = await warden.ListRetrainJobsAsync("credit-risk", ct);
        Assert.All(jobs, j => Assert.Equal("credit-risk", j.Model));
    }

    [Fact]
    public async Task The_client_never_changes_the_callers_HttpClient()
    {
        using var http = factory.CreateClient();
        var warden = new WardenClient(http, WardenFactory.AdminKey);

        var models = await warden.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Contains(models, m => m.Name == "credit-risk");
        Assert.Null(http.DefaultRequestHeaders.Authorization);
        Assert.Empty(http.DefaultRequestHeaders);
    }

    private ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddWardenClient(o =>
        {
            o.BaseAddress = factory.Server.BaseAddress;
            o.ApiKey = WardenFactory.AdminKey;
        }).ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        return services.BuildServiceProvider(validateScopes: true);
    }
}
