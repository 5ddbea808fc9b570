using System.Text.Json;
using Warden.Core.Settings;

namespace Warden.Core.Tests.Settings;

public sealed class RequiredValuesTests
{
    [Fact]
    public void Nulls_in_non_nullable_properties_list_elements_and_dictionary_values_are_named_by_path()
    {
        var document = JsonSerializer.Deserialize<SampleDocument>(
            """{"name":null,"rules":[{"metric":"a"},null,{"metric":null}],"groups":{"x":null,"y":{"metric":"b"}},"optional":null,"tags":["t",null]}""",
            ModelSettings.Json)!;

        var missing = RequiredValues.FindMissing(document);

        Assert.Equal(["name must not be null", "rules[1] must not be null", "rules[2].metric must not be null", "groups[\"x\"] must not be null"], missing);
    }

    [Fact]
    public void A_complete_document_and_nullable_members_pass_and_computed_properties_are_not_evaluated()
    {
        var document = JsonSerializer.Deserialize<SampleDocument>("""{"name":"n","rules":[],"groups":{},"tags":[null]}""", ModelSettings.Json)!;
        Assert.Empty(RequiredValues.FindMissing(document));
    }

    [Fact]
    public void A_missing_property_without_a_default_is_reported()
    {
        var document = JsonSerializer.Deserialize<SampleDocument>("""{"name":"n","groups":{}}""", ModelSettings.Json)!;
        Assert.Equal(["rules must not be null"], RequiredValues.FindMissing(document));
    }

    public sealed class SampleDocument
    {
        public string Name { get; set; } = "";

        public List<SampleRule> Rules { get; set; } = null!;

        public Dictionary<string, SampleRule> Groups { get; set; } = [];

        public SampleRule? Optional { get; set; }

        public List<string?> Tags { get; set; } = [];

        public int Computed => throw new InvalidOperationException("must not be read");
    }

    public sealed record SampleRule(string Metric);
}
