using System.Net;
using Warden.Server.Tests.Infrastructure;
using static Warden.Server.Tests.Policies.PolicyTestKeys;

namespace Warden.Server.Tests.Policies;

public sealed class InputOutputPolicyTests
{
    [Fact]
    public async Task A_settings_document_with_a_number_beyond_double_range_is_refused_and_nothing_is_stored()
    {
        using var factory = new WardenFactory();
        using var admin = factory.Admin();
        using var put = await admin.PutAsync("/api/models/credit-risk/settings/output-policy", V2Requests.Raw("""{"mode":"top-class","note":[1e400]}"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("1e400", await put.ErrorAsync(), StringComparison.Ordinal);

        using var latest = await admin.GetAsync("/api/models/credit-risk/settings/output-policy", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, latest.StatusCode);
        using var verify = await admin.GetAsync("/api/audit/verify", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
    }

    [Fact]
    public async Task Input_policy_rejects_out_of_range_values_or_flags_them()
    {
        using var factory = new WardenFactory();
        await PutSettingsAsync(factory, "credit-risk", "input-policy", """{"action":"reject","inputs":{"pirat":{"min":0,"max":3},"chist":{"allowed":["1","2","3","4","5","6"]}}}""");
        var bad = (double[])V2Requests.Applicant.Clone();
        bad[0] = 7.5;
        bad[3] = 9;
        var refused = await factory.Admin().InferAsync(V2Requests.CreditRisk(bad));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.ErrorAsync();
        Assert.Contains("pirat[0] = 7.5 is outside [0, 3]", error);
        Assert.Contains("chist[0] = 9 is not one of", error);
        Assert.Equal(HttpStatusCode.OK, (await factory.Admin().InferAsync(V2Requests.CreditRisk())).StatusCode);

        await PutSettingsAsync(factory, "credit-risk", "input-policy", """{"action":"flag","inputs":{"pirat":{"max":3}}}""");
        var flagged = await factory.Admin().InferAsync(V2Requests.CreditRisk(bad));
        Assert.Equal(HttpStatusCode.OK, flagged.StatusCode);
        var json = await flagged.ReadJsonAsync();
        Assert.Equal(1, json.GetProperty("parameters").GetProperty("warden_input_flags").GetArrayLength());
    }

    [Fact]
    public async Task Input_policy_with_a_bad_pattern_is_refused()
    {
        using var factory = new WardenFactory();
        var response = await factory.Admin().PutAsync("/api/models/credit-risk/settings/input-policy", V2Requests.Raw("""{"inputs":{"x":{"denyPatterns":["(unclosed"]}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Output_policy_rounds_suppresses_or_keeps_only_the_top_class()
    {
        using var factory = new WardenFactory();
        var full = await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        var p = Probability(full);

        await PutSettingsAsync(factory, "credit-risk", "output-policy", """{"mode":"full","decimals":1}""");
        var rounded = Probability(await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync());
        Assert.Equal(Math.Round(p, 1), rounded, 6);

        await PutSettingsAsync(factory, "credit-risk", "output-policy", """{"mode":"suppress-scores"}""");
        var suppressed = await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        Assert.Equal(["label"], suppressed.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()!));

        await PutSettingsAsync(factory, "credit-risk", "output-policy", """{"mode":"top-class"}""");
        var top = await (await factory.Admin().InferAsync(V2Requests.CreditRisk())).ReadJsonAsync();
        var probability = top.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability");
        Assert.Equal("BOOL", probability.GetProperty("datatype").GetString());
        Assert.Equal(p > 0.5, probability.GetProperty("data")[0].GetBoolean());
    }

    private static double Probability(System.Text.Json.JsonElement response) =>
        response.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "probability").GetProperty("data")[0].GetDouble();
}
