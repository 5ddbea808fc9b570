using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Cli;

/// <summary><c>warden pipelines deploy</c> and <c>warden models card</c> against an in-process server.</summary>
public sealed class PipelineAndCardCliTests(WardenFactory factory) : IClassFixture<WardenFactory>
{
    [Fact]
    public async Task Pipelines_deploy_serves_the_document_under_its_name()
    {
        var dir = Path.Combine(factory.DataDir, "cli-pipeline");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "gate.yaml");
        await File.WriteAllTextAsync(file, """
            steps:
              - { name: high-ltv, type: rule, condition: "lvrat > 1.2", action: decide, label: refer }
              - { name: risk, type: model, model: credit-risk }
              - { name: cut, type: threshold, threshold: 0.5 }
            """, TestContext.Current.CancellationToken);

        var (code, output, error) = await RunAsync("pipelines", "deploy", file, "--name", "cli-gate", "--stage", "production");
        Assert.True(code == 0, error);
        Assert.Contains("deployed pipeline cli-gate version 1 (production)", output, StringComparison.Ordinal);
        using var admin = factory.Admin();
        using var response = await admin.InferAsync(V2Requests.CreditRisk([0.3, 0.25, 1.3, 2, 2, 0, 3.1, 0, 0, 0, 1, 1]), "cli-gate");
        Assert.Contains("rule:high-ltv", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        (code, _, error) = await RunAsync("pipelines", "deploy", Path.Combine(dir, "missing.yaml"), "--name", "cli-gate");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_card_writes_markdown_and_html()
    {
        var dir = Path.Combine(factory.DataDir, "cli-card");
        Directory.CreateDirectory(dir);
        var md = Path.Combine(dir, "card.md");
        var (code, _, error) = await RunAsync("models", "card", "credit-risk", "--format", "md", "--out", md);
        Assert.True(code == 0, error);
        var markdown = await File.ReadAllTextAsync(md, TestContext.Current.CancellationToken);
        Assert.StartsWith("# Model card: credit-risk version 1", markdown, StringComparison.Ordinal);
        Assert.Contains("## Considerations", markdown, StringComparison.Ordinal);

        var html = Path.Combine(dir, "card.html");
        (code, _, error) = await RunAsync("models", "card", "credit-risk", "--version", "1", "--format", "html", "--out", html);
        Assert.True(code == 0, error);
        Assert.StartsWith("<!DOCTYPE html>", await File.ReadAllTextAsync(html, TestContext.Current.CancellationToken), StringComparison.Ordinal);

        (code, _, error) = await RunAsync("models", "card", "credit-risk", "--format", "pdf");
        Assert.Equal(1, code);
        Assert.Contains("unknown format 'pdf'", error, StringComparison.Ordinal);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => factory.RunCliAsync(WardenFactory.AdminKey, args);
}
