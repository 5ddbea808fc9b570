using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Warden.Contracts.Admin;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

public sealed class RetentionTests
{
    [Fact]
    public async Task Pruning_keeps_the_newest_records_and_records_itself_in_an_audit_chain_that_still_verifies()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, """{"maxRecords": 2}""")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: $"kept-{i}"))).StatusCode);
        }

        var deleted = await factory.Services.GetRequiredService<PredictionRetentionJob>().RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, deleted["credit-risk"]);
        var store = factory.Services.GetRequiredService<IPredictionStore>();
        var left = await store.QueryAsync(new PredictionQuery("credit-risk", Limit: 10), TestContext.Current.CancellationToken);
        Assert.Equal(["kept-3", "kept-4"], left.Select(p => p.Id));
        var audit = await admin.GetStringAsync("/api/audit?limit=1000", TestContext.Current.CancellationToken);
        Assert.Contains(PredictionRetentionJob.AuditAction, audit, StringComparison.Ordinal);
        var verification = await admin.GetFromJsonAsync<AuditVerification>("/api/audit/verify", TestContext.Current.CancellationToken);
        Assert.True(verification!.Valid);
        Assert.Empty(await factory.Services.GetRequiredService<PredictionRetentionJob>().RunAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Keep_nothing_answers_inference_but_logs_no_prediction_and_keep_features_drops_the_input_tensors()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var store = factory.Services.GetRequiredService<IPredictionStore>();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, """{"keep": "nothing"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "unlogged"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, """{"keep": "features"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "features-only"))).StatusCode);

        var logged = await store.QueryAsync(new PredictionQuery("credit-risk", Limit: 10), TestContext.Current.CancellationToken);

        var only = Assert.Single(logged);
        Assert.Equal("features-only", only.Id);
        Assert.Equal("[]", only.InputsJson);
        Assert.Contains("probability", only.OutputsJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"keep": "some"}""", "keep")]
    [InlineData("""{"sampleRate": 0}""", "sampleRate")]
    [InlineData("""{"maxAge": "forever"}""", "maxAge")]
    [InlineData("""{"maxRecords": 0}""", "maxRecords")]
    [InlineData("""{"maxBytes": -5}""", "maxBytes")]
    public async Task A_malformed_retention_document_is_refused_with_a_message_naming_the_field(string document, string field)
    {
        using var factory = new WardenFactory();

        var response = await PutAsync(factory.Admin(), document);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient admin, string document) =>
        admin.PutAsync("/api/models/credit-risk/settings/retention", new StringContent(document, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
}
