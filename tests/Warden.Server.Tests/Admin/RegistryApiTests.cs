using System.Net;
using System.Net.Http.Json;
using Warden.Contracts.Admin;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

/// <summary>Deploy, stages, promotion, rollback and hot swapping through the admin API.</summary>
public sealed class RegistryApiTests : IDisposable
{
    private readonly WardenFactory _factory = new();
    private readonly HttpClient _admin;

    public RegistryApiTests() => _admin = _factory.Admin();

    [Fact]
    public async Task Deploy_promote_and_rollback_move_the_default_version_and_are_audited()
    {
        var deployed = await _admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), "{\"owner\":\"risk-team\",\"intendedUses\":[\"credit-decision-support\"]}"));
        Assert.Equal(HttpStatusCode.Created, deployed.StatusCode);
        var v2 = await deployed.Content.ReadFromJsonAsync<ModelVersionInfo>();
        Assert.Equal(("2", "staging", "risk-team"), (v2!.Version, v2.Stage, v2.Card.Owner));
        Assert.Equal(64, v2.Sha256.Length);
        Assert.Equal(12, v2.Inputs.Count);

        Assert.Equal("1", await ServedVersionAsync(null));
        Assert.Equal("2", await ServedVersionAsync("2"));

        var promoted = await (await _admin.PostAsJsonAsync("/api/models/credit-risk/versions/2/promote", new StageChangeRequest { Reason = "better" }))
            .Content.ReadFromJsonAsync<ModelVersionInfo>();
        Assert.Equal("production", promoted!.Stage);
        Assert.Equal("2", await ServedVersionAsync(null));
        var archived = await _admin.InferAsync(V2Requests.CreditRisk(), version: "1");
        Assert.Equal(HttpStatusCode.BadRequest, archived.StatusCode);
        Assert.Contains("archived", await archived.ErrorAsync());

        var rolledBack = await (await _admin.PostAsync("/api/models/credit-risk/rollback", null)).Content.ReadFromJsonAsync<ModelVersionInfo>();
        Assert.Equal(("1", "production"), (rolledBack!.Version, rolledBack.Stage));
        Assert.Equal("1", await ServedVersionAsync(null));

        var audit = await _admin.GetFromJsonAsync<Page<AuditEntryInfo>>("/api/audit?limit=1000");
        var actions = audit!.Items.Select(e => (e.Action, e.Target)).ToList();
        Assert.Contains(("model.deploy", "credit-risk:2"), actions);
        Assert.Contains(("model.promote", "credit-risk:2"), actions);
        Assert.Contains(("model.rollback", "credit-risk:1"), actions);
        var verification = await _admin.GetFromJsonAsync<AuditVerification>("/api/audit/verify");
        Assert.True(verification!.Valid);
    }

    [Fact]
    public async Task Versions_are_immutable_and_bad_deploys_are_400()
    {
        var duplicate = await _admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), version: "1"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("immutable", await duplicate.ErrorAsync());

        var notOnnx = await _admin.PostAsync("/api/models/junk/versions", Deploy.Form("not a model"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, notOnnx.StatusCode);
        Assert.Contains("not a servable ONNX model", await notOnnx.ErrorAsync());

        var badName = await _admin.PostAsync("/api/models/Bad%20Name/versions", Deploy.Form(Deploy.CreditRiskOnnx()));
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);

        var badCard = await _admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, badCard.StatusCode);

        var noFile = await _admin.PostAsync("/api/models/credit-risk/versions", new MultipartFormDataContent { { new StringContent("x"), "card" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("'model' file part", await noFile.ErrorAsync());

        var misspelt = await _admin.PostAsync("/api/models/credit-risk/versions", new MultipartFormDataContent
        {
            { new ByteArrayContent(File.ReadAllBytes(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"))), "model", "model.onnx" },
            { new StringContent("pirat\n0.2\n"), "backgruond" },
            { new StringContent("x"), "reference" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Contains("unknown part 'backgruond', 'reference'", await misspelt.ErrorAsync());

        var badStage = await _admin.PostAsJsonAsync("/api/models/credit-risk/versions/1/promote", new StageChangeRequest { Stage = "retired" });
        Assert.Equal(HttpStatusCode.BadRequest, badStage.StatusCode);

        var archiveProduction = await _admin.PostAsJsonAsync("/api/models/credit-risk/versions/1/promote", new StageChangeRequest { Stage = "archived" });
        Assert.Equal(HttpStatusCode.Conflict, archiveProduction.StatusCode);

        var noHistory = await _admin.PostAsync("/api/models/credit-risk/rollback", null);
        Assert.Equal(HttpStatusCode.Conflict, noHistory.StatusCode);
    }

    [Fact]
    public async Task Promotion_and_rollback_under_load_never_drop_a_request()
    {
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx()))).StatusCode);
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var client = _factory.Admin();
            while (!stop.IsCancellationRequested)
            {
                var response = await client.InferAsync(V2Requests.CreditRisk());
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref served);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        for (var i = 0; i < 5; i++)
        {
            (await _admin.PostAsync("/api/models/credit-risk/versions/2/promote", null)).EnsureSuccessStatusCode();
            (await _admin.PostAsync("/api/models/credit-risk/rollback", null)).EnsureSuccessStatusCode();
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(served > 0);
    }

    [Fact]
    public async Task Model_repository_folder_is_loaded_at_start()
    {
        var repo = Path.Combine(_factory.DataDir, "repo");
        Directory.CreateDirectory(Path.Combine(repo, "risk-b", "1"));
        Directory.CreateDirectory(Path.Combine(repo, "risk-b", "3"));
        File.Copy(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"), Path.Combine(repo, "risk-b", "1", "model.onnx"));
        File.Copy(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx"), Path.Combine(repo, "risk-b", "3", "model.onnx"));
        File.WriteAllText(Path.Combine(repo, "risk-b", "3", "card.json"), "{\"owner\":\"repo-owner\"}");
        using var withRepo = new WardenFactory();
        withRepo.Settings["Warden:ModelRepository"] = repo;
        var model = await withRepo.Admin().GetFromJsonAsync<ModelSummary>("/api/models/risk-b");
        Assert.Equal("3", model!.ProductionVersion);
        Assert.Equal(["1", "3"], model.Versions.Select(v => v.Version));
        Assert.Equal("repo-owner", model.Versions[1].Card.Owner);
    }

    public void Dispose() => _factory.Dispose();

    private async Task<string> ServedVersionAsync(string? version)
    {
        var response = await _admin.InferAsync(V2Requests.CreditRisk(), version: version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("model_version").GetString()!;
    }
}
