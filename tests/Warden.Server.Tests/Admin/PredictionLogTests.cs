using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Warden.Contracts.Admin;
using Warden.Core.Predictions;
using Warden.Core.Storage;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

public sealed class PredictionLogTests
{
    [Fact]
    public async Task Every_prediction_is_logged_with_purpose_and_sensitive_attributes_kept_out_of_the_model()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        var parameters = new JsonObject { ["purpose"] = "credit-decision-support", ["sensitive.race"] = "black", ["sensitive.sex"] = "female" };
        var response = await admin.InferAsync(V2Requests.CreditRisk(id: "logged-1", parameters: parameters));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var record = await WaitForAsync(admin, "logged-1");
        Assert.Equal("credit-decision-support", record.Purpose);
        Assert.Equal("black", record.Sensitive["race"]);
        Assert.Equal("female", record.Sensitive["sex"]);
        Assert.Equal(("credit-risk", "1"), (record.Model, record.Version));
        var inputNames = record.Inputs.EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(V2Requests.CreditRiskInputs, inputNames);
        Assert.Contains(record.Outputs.EnumerateArray(), o => o.GetProperty("name").GetString() == "probability");
        Assert.True(record.LatencyMs > 0);
    }

    [Fact]
    public async Task Purpose_header_is_recorded_when_parameters_have_none()
    {
        using var factory = new WardenFactory();
        var admin = factory.Admin();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/credit-risk/infer") { Content = V2Requests.Json(V2Requests.CreditRisk(id: "hdr-1")) };
        request.Headers.Add("X-Warden-Purpose", "fairness-research");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(request)).StatusCode);
        Assert.Equal("fairness-research", (await WaitForAsync(admin, "hdr-1")).Purpose);
    }

    [Fact]
    public async Task Full_queue_answers_503_with_retry_after_instead_of_dropping_records()
    {
        var gate = new BlockingPredictionStore();
        using var factory = new WardenFactory { ExtraServices = s => s.RemoveAll<IPredictionStore>().AddSingleton<IPredictionStore>(gate) };
        factory.Settings["Warden:PredictionLog:QueueCapacity"] = "2";
        factory.Settings["Warden:PredictionLog:BatchSize"] = "1";

        // The store is blocked: under acknowledged durability every answer would wait for it.
        factory.Settings["Warden:PredictionLog:Durability"] = "async";
        var admin = factory.Admin();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await admin.InferAsync(V2Requests.CreditRisk());
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal("1", refused!.Headers.RetryAfter?.ToString());
        Assert.Contains("prediction log is full", await refused.ErrorAsync());
        gate.Release();
        var accepted = statuses.Count(s => s == HttpStatusCode.OK);
        await WaitUntilAsync(() => gate.Written == accepted);
        Assert.Equal(accepted, gate.Written);
    }

    [Fact]
    public async Task Shutdown_drains_the_queue_into_the_store()
    {
        var factory = new WardenFactory();
        factory.Settings["Warden:PredictionLog:Durability"] = "async";
        factory.Settings["Warden:PredictionLog:FlushIntervalMs"] = "60000";
        factory.Settings["Warden:PredictionLog:BatchSize"] = "100000";
        var admin = factory.Admin();
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk())).StatusCode);
        }

        var db = Path.Combine(factory.DataDir, "warden.db");
        var copy = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db");
        await factory.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHost>().StopAsync(TestContext.Current.CancellationToken);
        File.Copy(db, copy);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            if (File.Exists(db + suffix))
            {
                File.Copy(db + suffix, copy + suffix);
            }
        }

        await using (var connection = new SqliteConnection($"Data Source={copy}"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM predictions";
            Assert.Equal(25L, (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }

        factory.Dispose();
    }

    [Fact]
    public async Task Tensors_stored_compact_come_back_from_the_api_exactly_as_tensors_stored_as_json()
    {
        async Task<(PredictionRecordInfo Record, string Stored)> ServeAsync(string compactElements)
        {
            using var factory = new WardenFactory();
            factory.Settings["Warden:PredictionLog:CompactTensorElements"] = compactElements;
            var admin = factory.Admin();
            Assert.Equal(HttpStatusCode.OK, (await admin.InferAsync(V2Requests.CreditRisk(id: "same-1"))).StatusCode);
            var record = await WaitForAsync(admin, "same-1");
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataDir, "warden.db")};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT inputs FROM predictions";
            return (record, (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }

        // Every credit-risk tensor has one element: a threshold of 1 stores them all compact.
        var compact = await ServeAsync("1");
        var json = await ServeAsync("0");

        Assert.Contains("\"raw_data\":", compact.Stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"raw_data\":", json.Stored, StringComparison.Ordinal);
        Assert.Equal(json.Record.Inputs.GetRawText(), compact.Record.Inputs.GetRawText());
        Assert.Equal(json.Record.Outputs.GetRawText(), compact.Record.Outputs.GetRawText());
        Assert.Equal(V2Requests.Applicant[0], compact.Record.Inputs[0].GetProperty("data")[0].GetDouble(), 6);
    }

    private static async Task<PredictionRecordInfo> WaitForAsync(HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await client.GetFromJsonAsync<Page<PredictionRecordInfo>>("/api/predictions?model=credit-risk&limit=1000");
            var found = page!.Items.FirstOrDefault(p => p.Id == id);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"prediction {id} was never logged");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 400 && !condition(); attempt++)
        {
            await Task.Delay(25);
        }
    }
}
