using System.Net;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary><c>warden models deploy --background</c>: an ONNX model from elsewhere gets explanations and a drift reference.</summary>
public sealed class ModelsDeployCliTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task Deploy_with_a_background_sample_makes_the_version_explainable_and_gives_it_a_drift_reference()
    {
        var onnx = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/model.onnx");
        var background = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/background.csv");
        using var admin = factory.Admin();

        // Without a sample the version cannot be explained.
        var (code, _, error) = await factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", "bare-import", "--file", onnx, "--stage", "production");
        Assert.True(code == 0, error);
        using (var bare = await admin.PostAsync("/v2/models/bare-import/explain", V2Requests.Json(V2Requests.CreditRisk()), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
            Assert.Contains("no background sample", await bare.ErrorAsync(), StringComparison.Ordinal);
        }

        (code, var output, error) = await factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", "imported", "--file", onnx, "--background", background, "--stage", "production");
        Assert.True(code == 0, error);
        Assert.Contains("deployed imported version 1", output, StringComparison.Ordinal);

        using var explained = await admin.PostAsync("/v2/models/imported/explain", V2Requests.Json(V2Requests.CreditRisk()), TestContext.Current.CancellationToken);
        var json = await explained.ReadJsonAsync();
        Assert.True(explained.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal(100, json.GetProperty("parameters").GetProperty("background_rows").GetInt32());

        using var reference = await admin.GetAsync("/api/models/imported/versions/1/reference", TestContext.Current.CancellationToken);
        var profile = await reference.ReadJsonAsync();
        Assert.True(reference.StatusCode == HttpStatusCode.OK, profile.ToString());
        Assert.Contains("background sample deployed with imported/1", profile.ToString(), StringComparison.Ordinal);

        (code, _, error) = await factory.RunCliAsync(WardenFactory.AdminKey, "models", "deploy", "imported", "--file", onnx, "--background", background + ".missing");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
