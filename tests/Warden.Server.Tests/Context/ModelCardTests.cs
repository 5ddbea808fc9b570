using System.Net.Http.Json;
using System.Text.Json;
using Warden.Contracts.Monitoring;
using Warden.Contracts.Registry;
using Warden.Core.Fairness;
using Warden.Server.Tests.Infrastructure;
using Warden.Server.Tests.Monitoring;

namespace Warden.Server.Tests.Context;

public sealed class ModelCardTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Markdown_card_has_the_toolkit_sections_and_the_latest_audit_per_slice()
    {
        using var admin = _factory.Admin();
        var served = await HmdaTraffic.SendAsync(admin, HmdaTraffic.Load(0, 200), "card");
        await HmdaTraffic.LabelAsync(admin, served);
        using var created = await admin.PostAsJsonAsync("/api/models/credit-risk/fairness/reports", new FairnessAuditRequest { Version = "1", PositiveLabel = "yes", Bootstrap = 0, MinGroupSize = 1 });
        var info = (await created.Content.ReadFromJsonAsync<FairnessAuditInfo>())!;
        var report = FairnessReportJson.Deserialize(info.Report!.Value.GetRawText());

        var markdown = await admin.GetStringAsync("/api/models/credit-risk/versions/1/card.md");
        var record = await admin.GetFromJsonAsync<JsonElement>("/api/models/credit-risk/versions/1");
        foreach (var heading in new[] { "## Model details", "## Model parameters", "## Quantitative analysis", "## Data profile", "## Considerations" })
        {
            Assert.Contains(heading, markdown, StringComparison.Ordinal);
        }

        Assert.Contains($"- **SHA-256**: {record.GetProperty("sha256").GetString()}", markdown, StringComparison.Ordinal);
        Assert.Contains($"Latest fairness audit #{info.Id}", markdown, StringComparison.Ordinal);
        // Slice rows carry the audit's own numbers, formatted to four decimals.
        var overall = report.Overall;
        Assert.Contains($"| overall | {overall.Count} | {overall.SelectionRate.Value!.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} |", markdown, StringComparison.Ordinal);
        foreach (var group in report.Sections.SelectMany(s => s.Groups))
        {
            Assert.Contains($"| {group.Key} | {group.Count} |", markdown, StringComparison.Ordinal);
        }

        Assert.Contains("| lvrat | FP32 | [-1, 1] | Loan-to-value ratio", markdown, StringComparison.Ordinal);
        Assert.Contains("automated-final-denial", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_card_escapes_card_text_and_renders_the_training_profile()
    {
        using var admin = _factory.Admin();
        var card = new ModelCard
        {
            Name = "evil",
            Description = "<script>alert('x')</script> & more",
            Owner = "<b>team</b>",
            License = "MIT",
            Limitations = ["<img src=x onerror=alert(1)>"],
            DataProfile = new DataProfileInfo
            {
                Rows = 10,
                BaseRate = 0.3,
                Columns = [new ColumnProfileInfo { Name = "pirat", Count = 10, Mean = 0.25, StdDev = 0.05, Min = 0.1, Max = 0.4 }],
                Groups = [new GroupShareInfo { Attribute = "afam", Value = "<yes>", Count = 2, Share = 0.2, BaseRate = 0.5 }],
            },
        };
        using var deploy = await admin.PostAsync("/api/models/evil/versions",
            Deploy.Form(Deploy.CreditRiskOnnx(), JsonSerializer.Serialize(card, new JsonSerializerOptions(JsonSerializerDefaults.Web))));
        deploy.EnsureSuccessStatusCode();

        using var response = await admin.GetAsync("/api/models/evil/versions/1/card.html");
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more", html, StringComparison.Ordinal);
        Assert.Contains("<td>pirat</td><td>10</td><td>0.25</td><td>0.05</td><td>0.1</td><td>0.4</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>afam</td><td>&lt;yes&gt;</td><td>2</td><td>0.2</td><td>0.5</td>", html, StringComparison.Ordinal);
        Assert.Contains("<dt>License</dt><dd>MIT</dd>", html, StringComparison.Ordinal);

        var markdown = await admin.GetStringAsync("/api/models/evil/versions/1/card.md");
        Assert.DoesNotContain("<script", markdown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("No fairness audit of this version is stored yet.", markdown, StringComparison.Ordinal);
    }
}
