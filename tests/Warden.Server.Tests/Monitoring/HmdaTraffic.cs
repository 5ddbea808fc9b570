using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Monitoring;

/// <summary>Replays HMDA applicants as live V2 traffic against credit-risk and sends their true outcomes as feedback.</summary>
public static class HmdaTraffic
{
    public sealed record Applicant(double[] Inputs, string Afam, string Deny);

    public sealed record Served(string Id, string Version, bool Label, double Probability, Applicant Applicant);

    public static IReadOnlyList<Applicant> Load(int skip, int take)
    {
        var lines = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        var rows = new List<Applicant>();
        foreach (var line in lines.Skip(1 + skip).Take(take))
        {
            var cells = line.Split(',').Select(c => c.Trim('"')).ToArray();
            string Cell(string name) => cells[Array.IndexOf(header, name)];
            var inputs = V2Requests.CreditRiskInputs.Select(name => Cell(name) switch
            {
                "yes" => 1.0,
                "no" => 0.0,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            }).ToArray();
            rows.Add(new Applicant(inputs, Cell("afam"), Cell("deny")));
        }

        return rows;
    }

    /// <summary>Sends each applicant as one request carrying <c>sensitive.afam</c>; returns what was served.</summary>
    public static async Task<List<Served>> SendAsync(HttpClient client, IReadOnlyList<Applicant> applicants, string prefix, string? version = null, Func<double[], double[]>? shift = null)
    {
        var served = new List<Served>();
        for (var i = 0; i < applicants.Count; i++)
        {
            var a = applicants[i];
            var request = V2Requests.CreditRisk(shift is null ? a.Inputs : shift(a.Inputs), $"{prefix}-{i}", new JsonObject { ["sensitive.afam"] = a.Afam });
            var response = await client.InferAsync(request, version: version);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.ReadJsonAsync();
            var outputs = json.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data")[0]);
            served.Add(new Served(json.GetProperty("id").GetString()!, json.GetProperty("model_version").GetString()!,
                outputs["label"].GetBoolean(), outputs["probability"].GetDouble(), a));
        }

        return served;
    }

    /// <summary>Waits until the prediction log holds at least <paramref name="count"/> predictions of credit-risk.</summary>
    public static async Task WaitLoggedAsync(HttpClient client, int count, Action? tick = null)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/predictions?model=credit-risk&limit=1000");
            if (page.GetProperty("items").GetArrayLength() >= count)
            {
                return;
            }

            tick?.Invoke();
            await Task.Delay(25);
        }

        Assert.Fail("predictions did not reach the log");
    }

    /// <summary>Posts the true outcomes, retrying until every prediction is in the log (the log is written in the background).</summary>
    public static async Task LabelAsync(HttpClient client, IReadOnlyList<Served> served, Action? tick = null)
    {
        var body = new { items = served.Select(s => new { id = s.Id, label = s.Applicant.Deny }).ToList() };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/models/credit-risk/feedback", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (json.GetProperty("matched").GetInt32() == served.Count)
            {
                return;
            }

            tick?.Invoke();
            await Task.Delay(25);
        }

        Assert.Fail("predictions did not reach the log");
    }
}
