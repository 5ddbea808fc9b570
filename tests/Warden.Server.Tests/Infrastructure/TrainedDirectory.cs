using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
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

    /// <summary>
    /// A V2 request body for one row of CSV cells: BYTES for the model's STRING inputs, FP32 for the others (yes/no as 1/0).
    /// </summary>
    public static JsonObject Request(InferenceSession session, IReadOnlyDictionary<string, string> row)
    {
        var inputs = new JsonArray();
        foreach (var (name, meta) in session.InputMetadata)
        {
            var isString = meta.ElementDataType == TensorElementType.String;
            inputs.Add(new JsonObject
            {
                ["name"] = name,
                ["shape"] = new JsonArray(1, 1),
                ["datatype"] = isString ? "BYTES" : "FP32",
                ["data"] = isString ? new JsonArray(row[name]) : new JsonArray(Number(row[name])),
            });
        }

        return new JsonObject { ["inputs"] = inputs };
    }

    /// <summary>A CSV cell as the FP32 a trained model takes: yes/no as 1/0, else the invariant number.</summary>
    public static float Number(string cell) => cell.ToLowerInvariant() switch
    {
        "yes" => 1,
        "no" => 0,
        _ => float.Parse(cell, CultureInfo.InvariantCulture),
    };

    /// <summary>Waits until the prediction log holds <paramref name="count"/> predictions of <paramref name="model"/>.</summary>
    public static async Task WaitLoggedAsync(HttpClient client, string model, int count)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/predictions?model={model}&limit=1000", TestContext.Current.CancellationToken);
            if (page.GetProperty("items").GetArrayLength() >= count)
            {
                return;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Fail("predictions did not reach the log");
    }
}
