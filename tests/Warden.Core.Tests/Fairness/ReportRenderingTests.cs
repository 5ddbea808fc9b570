using System.Text.Json;
using System.Text.RegularExpressions;
using Warden.Core.Fairness;

namespace Warden.Core.Tests.Fairness;

public class ReportRenderingTests
{
    private static FairnessReport Report() => FairnessAnalyzer.Analyze(TinyData.ThreeGroups(),
        TinyData.Options(minGroupSize: 3, bootstrap: 20, privileged: new Dictionary<string, string> { ["g"] = "A" }) with { },
        source: "unit test");

    [Fact]
    public void Json_is_camel_case_with_schema_version_and_explicit_nulls()
    {
        var json = FairnessReportJson.Serialize(Report());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("1.0", root.GetProperty("schemaVersion").GetString());
        var c = root.GetProperty("sections")[0].GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetString() == "g=C");
        Assert.True(c.GetProperty("tooSmall").GetBoolean());
        Assert.Equal(JsonValueKind.Null, c.GetProperty("truePositiveRate").GetProperty("value").ValueKind);
        Assert.Equal(["g=C"], root.GetProperty("sections")[0].GetProperty("excludedGroups").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("aif360", root.GetProperty("sections")[0].GetProperty("disparities").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "disparate_impact").GetProperty("family").GetString());
        Assert.True(root.GetProperty("options").TryGetProperty("minGroupSize", out _));
    }

    [Fact]
    public void Json_round_trips_to_an_equal_document()
    {
        var json = FairnessReportJson.Serialize(Report());
        var back = FairnessReportJson.Deserialize(json);
        Assert.Equal(json, FairnessReportJson.Serialize(back));
    }

    [Fact]
    public void Markdown_lists_groups_exclusions_and_headline_disparities()
    {
        var md = FairnessMarkdownRenderer.Render(Report());
        Assert.Contains("## g", md, StringComparison.Ordinal);
        Assert.Contains("| g=C (too small) |", md, StringComparison.Ordinal);
        Assert.Contains("| disparate_impact | aif360 |", md, StringComparison.Ordinal);
        Assert.Contains("undefined", md, StringComparison.Ordinal);
        Assert.Contains("Too small to judge", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_is_self_contained_with_svg_bars_and_interval_whiskers()
    {
        var html = FairnessHtmlRenderer.Render(Report());
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<rect", html, StringComparison.Ordinal);
        Assert.Contains("<g stroke=\"#222\"><line", html, StringComparison.Ordinal); // whisker
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        // the only URLs are SVG namespace declarations, which browsers never fetch
        Assert.Equal(Regex.Count(html, "http"), Regex.Count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    }

    [Fact]
    public void Html_escapes_group_values()
    {
        var data = TinyData.Make(["<b>", "<b>", "x"], [1, 0, 1], [1, 0, 0]);
        var html = FairnessHtmlRenderer.Render(FairnessAnalyzer.Analyze(data, TinyData.Options()));
        Assert.DoesNotContain("g=<b>", html, StringComparison.Ordinal);
        Assert.Contains("g=&lt;b&gt;", html, StringComparison.Ordinal);
    }
}
