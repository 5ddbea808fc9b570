using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Warden.Core.Audit;
using Warden.Tests;

namespace Warden.Core.Tests.Audit;

/// <summary>Issue 17 item 4: audit entries are hashed over RFC 8785 canonical JSON, which a third party can reproduce.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Numbers_are_written_as_ecmascript_writes_them()
    {
        // tests/fixtures/audit/jcs_numbers.tsv: IEEE 754 bit patterns and what node's JSON.stringify wrote for them.
        var lines = File.ReadAllLines(RepoFiles.Path("tests/fixtures/audit/jcs_numbers.tsv"));
        Assert.True(lines.Length > 4000);
        foreach (var line in lines)
        {
            var (bits, expected) = (line.Split('\t')[0], line.Split('\t')[1]);
            var value = BitConverter.Int64BitsToDouble(long.Parse(bits, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            Assert.True(expected == CanonicalJson.FormatNumber(value), $"{bits}: expected {expected}, got {CanonicalJson.FormatNumber(value)}");
        }
    }

    [Fact]
    public void Rfc8785_example_is_canonicalised_byte_for_byte()
    {
        // The input and output of RFC 8785 section 3.2.2 (strings, numbers and literals).
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        using var document = JsonDocument.Parse(input);
        Assert.Equal(expected, CanonicalJson.Serialize(document.RootElement));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units()
    {
        // RFC 8785 section 3.2.3: the emoji (surrogates D83D DE00) sorts before U+FB33 although its code point is larger.
        const string input = """{"\u20ac":1,"\r":2,"\ufb33":3,"1":4,"\ud83d\ude00":5,"\u0080":6,"\u00f6":7}""";
        using var document = JsonDocument.Parse(input);
        Assert.Equal("{\"\\r\":2,\"1\":4,\"\u0080\":6,\"ö\":7,\"€\":1,\"😀\":5,\"\ufb33\":3}", CanonicalJson.Serialize(document.RootElement));
    }

    [Fact]
    public void Entries_hashed_before_rfc8785_still_verify_and_their_edits_are_still_found()
    {
        // The earlier canonical form escaped the emoji and kept 1E-07 as written; RFC 8785 writes 😀 and 1e-7.
        const string details = "{\"n\":1E-07,\"s\":\"\\uD83D\\uDE00\"}";
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1796000000000);
        var legacyText = "{\"action\":\"key.create\",\"actor\":\"admin\",\"details\":" + details + ",\"prev\":\"" + AuditHasher.Genesis
            + "\",\"target\":\"k1\",\"time\":1796000000000}";
        var legacyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(legacyText)));
        var entry = new AuditEntry(1, time, "admin", "key.create", "k1", details, AuditHasher.Genesis, legacyHash);

        Assert.NotEqual(legacyHash, AuditHasher.Compute(entry));
        Assert.True(AuditHasher.Matches(entry));
        Assert.False(AuditHasher.Matches(entry with { Target = "k2" }));
        Assert.True(AuditChainVerifier.Verify([entry]).Valid);
    }

    [Fact]
    public void New_entries_hash_the_rfc8785_text()
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(1796000000000);
        var details = CanonicalJson.Serialize(new { s = "😀", n = 1e-7 });
        Assert.Equal("{\"n\":1e-7,\"s\":\"😀\"}", details);
        var text = "{\"action\":\"a\",\"actor\":\"b\",\"details\":" + details + ",\"prev\":\"" + AuditHasher.Genesis + "\",\"target\":\"c\",\"time\":1796000000000}";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), AuditHasher.Compute(AuditHasher.Genesis, time, "b", "a", "c", details));
    }
}
