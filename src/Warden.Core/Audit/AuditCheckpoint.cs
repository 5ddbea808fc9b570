using System.Globalization;

namespace Warden.Core.Audit;

/// <summary>
/// A signed statement that the audit chain had <see cref="Size"/> entries ending in <see cref="HeadHash"/> at
/// <see cref="Time"/>, like a Certificate Transparency signed tree head. Kept outside the database, it lets a verifier
/// detect truncation (fewer entries now), rollback (an older head) and forks (a different entry at the same size).
/// </summary>
/// <param name="Size">Entries in the chain (the head's sequence number).</param>
/// <param name="HeadHash">Hash of entry <see cref="Size"/>; the genesis hash for an empty chain.</param>
/// <param name="Time">When the checkpoint was signed (Unix milliseconds).</param>
/// <param name="Algorithm">Signature algorithm: <c>ecdsa-p256-sha256</c> (IEEE P1363 signature).</param>
/// <param name="PublicKey">Signer's public key, base64 SubjectPublicKeyInfo (pin it when verifying).</param>
/// <param name="Signature">Base64 signature over <see cref="SignedText"/>.</param>
public sealed record AuditCheckpoint(long Size, string HeadHash, long Time, string Algorithm, string PublicKey, string Signature)
{
    /// <summary>The only algorithm written today.</summary>
    public const string EcdsaP256 = "ecdsa-p256-sha256";

    /// <summary>The exact bytes signed (UTF-8): a versioned label and the three fields, one per line.</summary>
    public string SignedText => string.Create(CultureInfo.InvariantCulture, $"warden-audit-checkpoint/v1\n{Size}\n{HeadHash}\n{Time}\n");
}
