using Microsoft.Extensions.Options;
using Warden.Core.Privacy;

namespace Warden.Core.Tests.Privacy;

public class PayloadCipherTests
{
    private static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());

    private static PayloadCipher Cipher(int? active, params (string Id, string Key)[] keys) =>
        new(Options.Create(new PrivacyOptions { Encryption = new PayloadProtectionOptions { ActiveKeyId = active, Keys = keys.ToDictionary(k => k.Id, k => k.Key) } }));

    [Fact]
    public void Without_keys_payloads_are_stored_and_read_as_plaintext()
    {
        using var cipher = Cipher(null);
        Assert.False(cipher.Enabled);
        Assert.Equal(("[1,2]", (int?)null), cipher.Seal("[1,2]", "prediction:a:inputs"));
        Assert.Equal("[1,2]", cipher.Open("[1,2]", null, "prediction:a:inputs"));
    }

    [Fact]
    public void A_single_key_is_active_and_ciphertext_is_bound_to_its_context()
    {
        using var cipher = Cipher(null, ("4", Key1));
        var (stored, keyId) = cipher.Seal("{\"email\":\"a@b.example\"}", "prediction:a:inputs");
        Assert.Equal(4, keyId);
        Assert.DoesNotContain("a@b.example", stored, StringComparison.Ordinal);
        Assert.Equal("{\"email\":\"a@b.example\"}", cipher.Open(stored, keyId, "prediction:a:inputs"));
        var moved = Assert.Throws<WardenException>(() => cipher.Open(stored, keyId, "prediction:b:inputs"));
        Assert.Equal(503, moved.StatusCode);
        Assert.Contains("prediction:b:inputs cannot be read", moved.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_under_a_key_that_is_not_configured_give_a_clear_503()
    {
        using var old = Cipher(null, ("1", Key1));
        var (stored, keyId) = old.Seal("x", "review:r:inputs");
        using var rotated = Cipher(2, ("2", Key2));
        Assert.False(rotated.CanRead(keyId));
        Assert.True(rotated.NeedsReencryption(keyId));
        Assert.Contains("key 1, which is not in the key ring", Assert.Throws<WardenException>(() => rotated.Open(stored, keyId, "review:r:inputs")).Message, StringComparison.Ordinal);
        Assert.Contains("no encryption keys are configured", Assert.Throws<WardenException>(() => Cipher(null).Open(stored, keyId, "review:r:inputs")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_keys_without_an_active_id_or_a_bad_key_are_configuration_errors()
    {
        Assert.Contains("No active payload key", Assert.Throws<InvalidOperationException>(() => Cipher(null, ("1", Key1), ("2", Key2))).Message, StringComparison.Ordinal);
        Assert.Contains("Warden:Privacy:Encryption is invalid", Assert.Throws<InvalidOperationException>(() => Cipher(null, ("1", "c2hvcnQ="))).Message, StringComparison.Ordinal);
    }
}
