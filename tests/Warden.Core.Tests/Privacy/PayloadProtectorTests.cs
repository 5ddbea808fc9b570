using System.Security.Cryptography;
using System.Text;
using Warden.Core.Privacy;

namespace Warden.Core.Tests.Privacy;

public class PayloadProtectorTests
{
    private static readonly byte[] Key1 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key2 = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"pirat\":0.221,\"lvrat\":0.8,\"afam\":\"no\"}");
    private static readonly byte[] PredictionId = Encoding.UTF8.GetBytes("pred-000123");

    private static PayloadProtector Protector(byte active, params (byte Id, byte[] Key)[] keys) =>
        new(new KeyRing(active, keys.ToDictionary(k => k.Id, k => k.Key)));

    [Fact]
    public void Round_trip_returns_the_plaintext()
    {
        var p = Protector(1, (1, Key1));
        Assert.Equal(Payload, p.Unprotect(p.Protect(Payload, PredictionId), PredictionId));
        Assert.Equal("héllo", p.UnprotectString(p.ProtectString("héllo", "row-7"), "row-7"));
        Assert.Empty(p.Unprotect(p.Protect([], PredictionId), PredictionId));
    }

    [Fact]
    public void Envelope_follows_the_documented_layout_and_decrypts_with_plain_AesGcm()
    {
        var envelope = Protector(1, (1, Key1)).Protect(Payload, PredictionId);
        Assert.Equal(2 + 12 + Payload.Length + 16, envelope.Length);
        Assert.Equal(1, envelope[0]);
        Assert.Equal(1, envelope[1]);

        // Decode by hand from docs/privacy.md: AAD = version ‖ key id ‖ associated data.
        var aad = new byte[] { 1, 1 }.Concat(PredictionId).ToArray();
        var plain = new byte[Payload.Length];
        using var aes = new AesGcm(Key1, 16);
        aes.Decrypt(envelope.AsSpan(2, 12), envelope.AsSpan(14, Payload.Length), envelope.AsSpan(14 + Payload.Length), plain, aad);
        Assert.Equal(Payload, plain);
    }

    [Fact]
    public void Encrypting_twice_uses_fresh_nonces()
    {
        var p = Protector(1, (1, Key1));
        var a = p.Protect(Payload, PredictionId);
        var b = p.Protect(Payload, PredictionId);
        Assert.NotEqual(a.AsSpan(2, 12).ToArray(), b.AsSpan(2, 12).ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Any_flipped_byte_fails_to_decrypt()
    {
        var p = Protector(1, (1, Key1));
        var envelope = p.Protect(Payload, PredictionId);
        for (int i = 0; i < envelope.Length; i++)
        {
            var tampered = (byte[])envelope.Clone();
            tampered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(tampered, PredictionId));
        }
    }

    [Fact]
    public void Truncated_envelope_fails()
    {
        var p = Protector(1, (1, Key1));
        var envelope = p.Protect(Payload, PredictionId);
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(envelope.AsSpan(0, envelope.Length - 1), PredictionId));
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(envelope.AsSpan(0, 20), PredictionId));
    }

    [Fact]
    public void Wrong_associated_data_fails()
    {
        var p = Protector(1, (1, Key1));
        var envelope = p.Protect(Payload, PredictionId);
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(envelope, Encoding.UTF8.GetBytes("pred-000124")));
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(envelope, []));
        Assert.ThrowsAny<CryptographicException>(() => p.UnprotectString(p.ProtectString("x", "row-1"), "row-2"));
    }

    [Fact]
    public void Old_ciphertext_still_decrypts_after_rotation_to_a_new_active_key()
    {
        var before = Protector(1, (1, Key1));
        var old = before.Protect(Payload, PredictionId);

        var after = Protector(2, (1, Key1), (2, Key2));
        var fresh = after.Protect(Payload, PredictionId);
        Assert.Equal(2, fresh[1]);
        Assert.Equal(Payload, after.Unprotect(old, PredictionId));
        Assert.Equal(Payload, after.Unprotect(fresh, PredictionId));
        Assert.True(after.NeedsReencryption(old));
        Assert.False(after.NeedsReencryption(fresh));
    }

    [Fact]
    public void Ciphertext_under_a_retired_key_fails_with_a_clear_error()
    {
        var old = Protector(1, (1, Key1)).Protect(Payload, PredictionId);
        var e = Assert.ThrowsAny<CryptographicException>(() => Protector(2, (2, Key2)).Unprotect(old, PredictionId));
        Assert.Contains("key 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_the_key_id_byte_to_another_known_key_fails()
    {
        var p = Protector(2, (1, Key1), (2, Key2));
        var envelope = p.Protect(Payload, PredictionId);
        envelope[1] = 1;
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(envelope, PredictionId));
    }
}
