using System.Net;
using System.Text;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Context;

/// <summary>
/// Issue 17 item 5: every configuration document is bounded in size and depth before it is parsed. Before, 100 KB of
/// <c>[</c> posted as a pipeline overflowed the YAML parser's stack and ended the server process.
/// </summary>
public sealed class PipelineDocumentLimitsTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData("[")]
    [InlineData("{")]
    [InlineData("- ")]
    [InlineData("{a: ")]
    public async Task Deeply_nested_pipeline_is_a_400_and_the_server_keeps_serving(string unit)
    {
        using var admin = _factory.Admin();
        var body = new StringBuilder().Insert(0, unit, 100 * 1024 / unit.Length).ToString();

        using var response = await admin.PostAsync("/api/pipelines/bomb/versions", new StringContent(body, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        using var health = await admin.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Pipeline_with_a_yaml_alias_is_refused_before_expansion()
    {
        using var admin = _factory.Admin();
        const string Laughs = """
            a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
            steps: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
            """;

        using var response = await admin.PostAsync("/api/pipelines/laughs/versions", new StringContent(Laughs, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("aliases", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_larger_than_the_document_limit_is_a_413()
    {
        _factory.Settings["Warden:MaxDocumentBytes"] = "2048";
        using var admin = _factory.Admin();
        var body = "steps: []\n# " + new string('x', 4096);

        using var response = await admin.PostAsync("/api/pipelines/big/versions", new StringContent(body, Encoding.UTF8, "application/yaml"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Settings_document_deeper_than_the_limit_is_a_400_and_larger_than_the_limit_a_413()
    {
        _factory.Settings["Warden:MaxDocumentBytes"] = "4096";
        using var admin = _factory.Admin();
        var deep = new string('[', 100) + new string(']', 100);
        var large = "{\"x\":\"" + new string('x', 8192) + "\"}";

        using var deepResponse = await admin.PutAsync("/api/models/credit-risk/settings/review", new StringContent(deep, Encoding.UTF8, "application/json"));
        using var largeResponse = await admin.PutAsync("/api/models/credit-risk/settings/review", new StringContent(large, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, deepResponse.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, largeResponse.StatusCode);
    }
}
