using System.Text;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Docs;

public sealed class DocExamplesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_settings_document_and_key_in_the_docs_is_accepted_as_written()
    {
        var examples = DocExamples.All;
        output.WriteLine(string.Join("\n", examples));
        Assert.True(examples.Count >= 20, $"only {examples.Count} examples found: the extraction lost some");
        Assert.True(examples.Select(e => e.Path.Split('/')[^1]).Distinct().Count() >= 10, "examples cover too few settings kinds");

        using var factory = new WardenFactory();
        var admin = factory.Admin();

        // The rollout examples name version 2 as shadow or canary; a plan on a version that cannot serve is refused.
        var card = await File.ReadAllTextAsync(Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1/card.json"), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PostAsync("/api/models/credit-risk/versions", Deploy.Form(Deploy.CreditRiskOnnx(), card), TestContext.Current.CancellationToken)).StatusCode);
        var refused = new List<string>();
        foreach (var example in examples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(example.Method), example.Path)
            {
                Content = new StringContent(example.Body, Encoding.UTF8, "application/json"),
            };
            var response = await admin.SendAsync(request, TestContext.Current.CancellationToken);
            output.WriteLine($"{(int)response.StatusCode} {example}");
            if (!response.IsSuccessStatusCode)
            {
                refused.Add($"{example} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            }
        }

        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }
}
