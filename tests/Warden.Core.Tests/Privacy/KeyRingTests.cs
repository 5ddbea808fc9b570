using Warden.Core.Privacy;

namespace Warden.Core.Tests.Privacy;

public class KeyRingTests
{
    private static readonly string K1 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string K2 = Convert.ToBase64String(Enumerable.Range(50, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void Ring_loads_base64_keys_from_configuration()
    {
        using var ring = KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = 2, Keys = { ["1"] = K1, ["2"] = K2 } });
        Assert.Equal(2, ring.ActiveKeyId);
        Assert.Equal(new byte[] { 1, 2 }, ring.KeyIds.Order().ToArray());
    }

    [Fact]
    public void Ring_loads_a_key_file_with_an_active_line_and_comments()
    {
        var path = Path.Combine(Path.GetTempPath(), $"warden-keys-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, ["# payload keys", "active: 1", "", $"1: {K1}", $"2: {K2}"]);
        try
        {
            using var ring = KeyRing.FromOptions(new PayloadProtectionOptions { KeyFile = path });
            Assert.Equal(1, ring.ActiveKeyId);
            Assert.Equal(2, ring.KeyIds.Count);

            // Configuration's ActiveKeyId overrides the file's.
            using var overridden = KeyRing.FromOptions(new PayloadProtectionOptions { KeyFile = path, ActiveKeyId = 2 });
            Assert.Equal(2, overridden.ActiveKeyId);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Keys_that_are_not_256_bits_are_rejected()
    {
        var shortKey = Convert.ToBase64String(new byte[16]);
        Assert.Throws<FormatException>(() => KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = 1, Keys = { ["1"] = shortKey } }));
        Assert.Throws<FormatException>(() => KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = 1, Keys = { ["1"] = "not base64!" } }));
        Assert.Throws<ArgumentException>(() => new KeyRing(1, new Dictionary<byte, byte[]> { [1] = new byte[31] }));
    }

    [Fact]
    public void Active_key_must_exist_and_be_named()
    {
        Assert.Throws<ArgumentException>(() => KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = 3, Keys = { ["1"] = K1 } }));
        Assert.Throws<FormatException>(() => KeyRing.FromOptions(new PayloadProtectionOptions { Keys = { ["1"] = K1 } }));
        Assert.Throws<FormatException>(() => KeyRing.FromOptions(new PayloadProtectionOptions { ActiveKeyId = 1, Keys = { ["256"] = K1 } }));
    }

    [Fact]
    public void Generated_keys_are_32_random_bytes()
    {
        var a = KeyRing.GenerateKey();
        var b = KeyRing.GenerateKey();
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
    }
}
