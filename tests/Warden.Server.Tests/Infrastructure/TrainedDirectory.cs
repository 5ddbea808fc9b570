using System.Net;
using Warden.Training.Tabular;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>
/// Trains a model on a CSV with <c>warden train</c>'s code path (<see cref="TabularExport.TrainAndWrite"/>) and deploys the
/// directory it writes as a user would: <c>model.onnx</c>, <c>card.json</c> and <c>background.csv</c> in one multipart deploy.
/// </summary>
public static class TrainedDirectory
{
    /// <summary>Trains into <paramref name="dir"/> and deploys the result as version 1 of <paramref name="model"/> in production.</summary>
    public static async Task<TabularTrainingResult> TrainAndDeployAsync(HttpClient admin, string dataPath, TabularSpec spec, string dir, string model)
    {
        var trained = TabularExport.TrainAndWrite(dataPath, spec, dir);
        var ct = TestContext.Current.CancellationToken;
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(trained.ModelPath, ct)), "model", "model.onnx");
        form.Add(new StringContent(await File.ReadAllTextAsync(trained.CardPath, ct)), "card");
        form.Add(new StringContent(await File.ReadAllTextAsync(trained.BackgroundPath, ct)), "background");
        form.Add(new StringContent("production"), "stage");
        using var deployed = await admin.PostAsync($"/api/models/{model}/versions", form, ct);
        Assert.True(deployed.StatusCode == HttpStatusCode.Created, await deployed.Content.ReadAsStringAsync(ct));
        return trained;
    }
}
