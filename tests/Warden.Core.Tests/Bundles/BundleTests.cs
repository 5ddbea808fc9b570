using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Warden.Core.Bundles;

namespace Warden.Core.Tests.Bundles;

public sealed class BundleTests : IDisposable
{
    private static readonly string ModelDir = Warden.Tests.RepoFiles.Path("samples/models/credit-risk/1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _signer = EcKeys.Generate();
    private readonly TrustedKeys _trusted = new();

    public BundleTests() => _trusted.AddPem(EcKeys.PublicPem(_signer));

    public void Dispose()
    {
        _signer.Dispose();
        _trusted.Dispose();
    }

    private static BundleContents Contents() => new()
    {
        Model = File.ReadAllBytes(Path.Combine(ModelDir, "model.onnx")),
        Card = File.ReadAllBytes(Path.Combine(ModelDir, "card.json")),
        Signature = """{"inputs":[],"outputs":[]}"""u8.ToArray(),
        Policies = """{"fallback_to_server":true}"""u8.ToArray(),
        Reference = new Dictionary<string, byte[]> { ["background.csv"] = File.ReadAllBytes(Path.Combine(ModelDir, "background.csv")) },
    };

    private byte[] Pack(ECDsa? signer = null, ECDiffieHellman? encryptFor = null, string bundleId = "b-1") =>
        new BundlePacker(_time).Pack(Contents(), new BundlePackOptions { Model = "credit-risk", Version = "1", BundleId = bundleId, EncryptFor = encryptFor }, signer ?? _signer);

    private BundleVerifier Verifier() => new(_trusted, _time);

    private BundleFailure FailureOf(byte[] bundle, BundleRevocations? revocations = null, ECDiffieHellman? device = null) =>
        Assert.Throws<BundleVerificationException>(() => Verifier().Verify(bundle, revocations, device)).Failure;

    // Offset of the data of the named container entry, found by walking the layout: magic(4) version(1) count(2), then
    // per entry name length(2) name data length(8) data.
    private static (int Offset, int Length) Locate(byte[] bundle, string name)
    {
        var position = 7;
        while (position < bundle.Length)
        {
            var nameLength = (bundle[position] << 8) | bundle[position + 1];
            var entry = Encoding.UTF8.GetString(bundle, position + 2, nameLength);
            position += 2 + nameLength;
            var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bundle.AsSpan(position));
            position += 8;
            if (entry == name)
            {
                return (position, length);
            }

            position += length;
        }

        throw new InvalidOperationException(name + " not found");
    }

    private static byte[] Flip(byte[] bundle, int offset)
    {
        var copy = bundle.ToArray();
        copy[offset] ^= 0x01;
        return copy;
    }

    [Fact]
    public void A_packed_bundle_verifies_and_returns_every_part_unchanged()
    {
        var bundle = Pack();
        var verified = Verifier().Verify(bundle);

        Assert.Equal(Contents().Model, verified.Model);
        Assert.Equal(Contents().Card, verified.Part(BundleNames.Card));
        Assert.Equal(Contents().Reference["background.csv"], verified.Part("reference/background.csv"));
        Assert.Equal(EcKeys.KeyId(_signer), verified.SignerKeyId);
        Assert.Equal("credit-risk", verified.Manifest.Model);
        Assert.Equal(_time.GetUtcNow().AddDays(30), verified.Manifest.ExpiresAt);
        Assert.Equal(
            [BundleNames.Model, BundleNames.Card, BundleNames.Signature, BundleNames.Policies, "reference/background.csv"],
            verified.Manifest.Parts.Select(p => p.Path));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Contents().Model)), verified.Manifest.Parts[0].Sha256);
    }

    [Fact]
    public void The_private_key_is_not_in_the_bundle()
    {
        var bundle = Pack();
        var privateScalar = _signer.ExportParameters(true).D!;
        Assert.Equal(-1, bundle.AsSpan().IndexOf(privateScalar));
        Assert.Equal(-1, bundle.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToBase64String(privateScalar))));
    }

    [Theory]
    [InlineData(BundleNames.Model)]
    [InlineData(BundleNames.Card)]
    [InlineData(BundleNames.Signature)]
    [InlineData(BundleNames.Policies)]
    [InlineData("reference/background.csv")]
    public void A_changed_byte_in_any_part_is_refused_as_a_part_mismatch(string part)
    {
        var bundle = Pack();
        var (offset, length) = Locate(bundle, part);
        Assert.Equal(BundleFailure.PartMismatch, FailureOf(Flip(bundle, offset + (length / 2))));
        Assert.Equal(BundleFailure.PartMismatch, FailureOf(Flip(bundle, offset + length - 1)));
    }

    [Fact]
    public void A_changed_byte_in_the_manifest_breaks_the_signature()
    {
        var bundle = Pack();
        var (offset, length) = Locate(bundle, BundleNames.Manifest);
        for (var i = 0; i < length; i += 17)
        {
            Assert.Equal(BundleFailure.BadSignature, FailureOf(Flip(bundle, offset + i)));
        }
    }

    [Fact]
    public void A_changed_byte_in_the_signature_value_is_refused()
    {
        var bundle = Pack();
        var (offset, length) = Locate(bundle, BundleNames.ManifestSignature);
        var text = Encoding.UTF8.GetString(bundle, offset, length);
        var valueStart = text.IndexOf("\"signature\":\"", StringComparison.Ordinal) + 13;

        // 'A' ^ 1 = '@' is not base64, 'B' ^ 1 = 'C' is: either way the signature must not verify.
        for (var i = valueStart; i < length - 2; i++)
        {
            var failure = FailureOf(Flip(bundle, offset + i));
            Assert.True(failure is BundleFailure.BadSignature or BundleFailure.Malformed, $"byte {i}: {failure}");
        }

        // Another lower-case hex digit in the key id (a flipped bit would turn 'a' or 'f' into a non-hex character, which is
        // Malformed rather than an unknown signer).
        var keyIdAt = text.IndexOf("p256:", StringComparison.Ordinal) + 10;
        var otherKey = bundle.ToArray();
        otherKey[offset + keyIdAt] = (byte)(otherKey[offset + keyIdAt] == (byte)'0' ? '1' : '0');
        Assert.Equal(BundleFailure.UnknownSigner, FailureOf(otherKey));
    }

    [Fact]
    public void Flipping_any_single_byte_of_the_whole_file_is_refused()
    {
        var bundle = Pack();
        var verifier = Verifier();
        var accepted = new List<int>();
        for (var i = 0; i < bundle.Length; i++)
        {
            try
            {
                verifier.Verify(Flip(bundle, i));
                accepted.Add(i);
            }
            catch (BundleVerificationException)
            {
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Extra_missing_or_reordered_parts_are_refused()
    {
        var entries = BundleContainer.Read(Pack());
        Assert.Equal(BundleFailure.Malformed, FailureOf(BundleContainer.Write([.. entries, new("reference/extra.csv", [1, 2, 3])])));
        Assert.Equal(BundleFailure.Malformed, FailureOf(BundleContainer.Write(entries.Take(entries.Count - 1).ToList())));
        List<KeyValuePair<string, byte[]>> swapped = [entries[0], entries[1], entries[3], entries[2], .. entries.Skip(4)];
        Assert.Equal(BundleFailure.Malformed, FailureOf(BundleContainer.Write(swapped)));
        Assert.Equal(BundleFailure.Malformed, FailureOf([.. Pack(), 0]));
    }

    [Fact]
    public void A_signature_by_an_untrusted_key_is_refused_as_unknown_signer()
    {
        using var stranger = EcKeys.Generate();
        Assert.Equal(BundleFailure.UnknownSigner, FailureOf(Pack(stranger)));
    }

    [Fact]
    public void A_signature_by_another_key_under_a_trusted_key_id_is_refused()
    {
        using var stranger = EcKeys.Generate();
        var entries = BundleContainer.Read(Pack(stranger));
        var forged = Encoding.UTF8.GetString(entries[1].Value).Replace(EcKeys.KeyId(stranger), EcKeys.KeyId(_signer), StringComparison.Ordinal);
        entries[1] = new(BundleNames.ManifestSignature, Encoding.UTF8.GetBytes(forged));
        Assert.Equal(BundleFailure.BadSignature, FailureOf(BundleContainer.Write(entries)));
    }

    [Fact]
    public void An_expired_bundle_is_refused_and_one_a_second_before_expiry_is_not()
    {
        var bundle = Pack();
        _time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Verifier().Verify(bundle);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(BundleFailure.Expired, FailureOf(bundle));
    }

    [Fact]
    public void A_revoked_bundle_or_signing_key_is_refused()
    {
        var bundle = Pack(bundleId: "b-7");
        Assert.Equal(BundleFailure.Revoked, FailureOf(bundle, BundleRevocations.Parse("""{"bundles":["b-7"]}""")));
        Assert.Equal(BundleFailure.Revoked, FailureOf(bundle, new BundleRevocations { Keys = { EcKeys.KeyId(_signer) } }));
        Verifier().Verify(bundle, BundleRevocations.Parse("""{"bundles":["b-8"],"keys":[]}"""));
    }

    [Fact]
    public void A_model_encrypted_for_device_A_opens_on_A_and_not_on_B()
    {
        using var deviceA = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var deviceB = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var publicA = EcKeys.LoadAgreementKey(EcKeys.PublicPem(deviceA));
        var bundle = Pack(encryptFor: publicA);

        Assert.Equal(-1, bundle.AsSpan().IndexOf(Contents().Model.AsSpan(0, 64)));
        Assert.Equal(Contents().Model, Verifier().Verify(bundle, deviceKey: deviceA).Model);
        Assert.Equal(BundleFailure.WrongDevice, FailureOf(bundle, device: deviceB));
        Assert.Equal(BundleFailure.WrongDevice, FailureOf(bundle));

        // Even ignoring the recipient id, B's key derives another wrapping key and AES-GCM refuses the wrapped key.
        var verified = Verifier().Verify(bundle, deviceKey: deviceA);
        var ex = Assert.Throws<BundleVerificationException>(() => ModelEncryption.Decrypt(
            verified.Part(BundleNames.EncryptedModel)!, verified.Manifest.Encryption!, verified.Manifest.BundleId, deviceB));
        Assert.Equal(BundleFailure.DecryptionFailed, ex.Failure);
    }

    [Fact]
    public void Keys_round_trip_through_pem_with_a_stable_key_id()
    {
        var privatePem = EcKeys.PrivatePem(_signer);
        using var reloaded = EcKeys.LoadSigningKey(privatePem);
        using var agreement = EcKeys.LoadAgreementKey(privatePem);
        Assert.Equal(EcKeys.KeyId(_signer), EcKeys.KeyId(reloaded));
        Assert.Equal(EcKeys.KeyId(_signer), EcKeys.KeyId(agreement));
        Assert.Matches("^p256:[0-9a-f]{32}$", EcKeys.KeyId(_signer));
        Assert.True(EcKeys.HasPrivateKey(reloaded));
        using var publicOnly = EcKeys.LoadSigningKey(EcKeys.PublicPem(_signer));
        Assert.False(EcKeys.HasPrivateKey(publicOnly));
        Assert.Throws<ArgumentException>(() => new BundlePacker(_time).Pack(Contents(), new BundlePackOptions { Model = "m", Version = "1" }, publicOnly));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => EcKeys.LoadSigningKey(p384.ExportSubjectPublicKeyInfoPem()));
    }
}
