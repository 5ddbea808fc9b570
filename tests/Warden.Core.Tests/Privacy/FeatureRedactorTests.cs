using System.Text;
using Warden.Contracts.Registry;
using Warden.Core.Privacy;

namespace Warden.Core.Tests.Privacy;

public class FeatureRedactorTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef");

    [Fact]
    public void Hash_matches_an_independent_hmac_sha256()
    {
        // python3 -c "import hmac,hashlib; print(hmac.new(b'0123456789abcdef0123456789abcdef',
        //   b'zip\x1f02139', hashlib.sha256).hexdigest()[:32])"  → 6b6d1039f01bc721987d85cdd0cb519a
        using var r = new FeatureRedactor(RedactionPolicy.Parse("zip=hash"), Key);
        Assert.Equal("hmac:6b6d1039f01bc721987d85cdd0cb519a", r.Hash("zip", "02139"));
        Assert.Equal("hmac:b114a4dbe020f194837ae7d0607feac5", r.Hash("afam", "yes"));
    }

    [Fact]
    public void Policy_keeps_drops_and_hashes_per_feature()
    {
        using var r = new FeatureRedactor(RedactionPolicy.Parse("pirat=hash, lvrat=keep; afam=drop"), Key);
        var stored = r.Redact(new Dictionary<string, object?> { ["pirat"] = 0.221000003814697, ["lvrat"] = 0.8, ["afam"] = "no", ["zip"] = "02139" });
        Assert.Equal(0.8, stored["lvrat"]);
        // Doubles are canonicalised in round-trip form: "0.221000003814697" (python: same HMAC as above with
        // b'pirat\x1f0.221000003814697' → 6efa5413a5813c7a6a5e0f9890bff701).
        Assert.Equal("hmac:6efa5413a5813c7a6a5e0f9890bff701", stored["pirat"]);
        Assert.False(stored.ContainsKey("afam"));
        // Unnamed features fall to the default, which is drop.
        Assert.False(stored.ContainsKey("zip"));
    }

    [Fact]
    public void Star_entry_sets_the_default()
    {
        var policy = RedactionPolicy.Parse("afam=drop, *=keep");
        Assert.Equal(RedactionAction.Keep, policy.ActionFor("anything"));
        Assert.Equal(RedactionAction.Drop, policy.ActionFor("afam"));
    }

    [Fact]
    public void Same_value_in_different_features_hashes_differently()
    {
        using var r = new FeatureRedactor(RedactionPolicy.Parse("*=hash"), Key);
        Assert.NotEqual(r.Hash("a", "yes"), r.Hash("b", "yes"));
        Assert.Equal(r.Hash("a", "yes"), r.Hash("a", "yes"));
    }

    [Fact]
    public void Model_card_redaction_fields_build_the_policy()
    {
        var policy = RedactionPolicy.FromFeatures(
        [
            new FeatureInfo { Name = "pirat", Redaction = "keep" },
            new FeatureInfo { Name = "afam", Redaction = "DROP" },
            new FeatureInfo { Name = "zip", Redaction = "hash" },
            new FeatureInfo { Name = "lvrat" },
        ], RedactionAction.Keep);
        Assert.Equal(RedactionAction.Keep, policy.ActionFor("pirat"));
        Assert.Equal(RedactionAction.Drop, policy.ActionFor("afam"));
        Assert.Equal(RedactionAction.Hash, policy.ActionFor("zip"));
        Assert.Equal(RedactionAction.Keep, policy.ActionFor("lvrat"));
    }

    [Theory]
    [InlineData("pirat")]
    [InlineData("pirat=encrypt")]
    [InlineData("a=keep, a=drop")]
    public void Malformed_policies_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => RedactionPolicy.Parse(text));
    }

    [Fact]
    public void Short_hmac_keys_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new FeatureRedactor(RedactionPolicy.Parse(""), new byte[8]));
    }
}
