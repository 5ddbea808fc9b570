namespace Warden.Contracts.Admin;

/// <summary>
/// A signed statement that the audit chain had <see cref="Size"/> entries ending in <see cref="HeadHash"/> at
/// <see cref="Time"/> (<c>POST /api/audit/checkpoints</c>). Kept outside the server, it lets a verifier detect truncation,
/// rollback and forks of the chain.
/// </summary>
public sealed class AuditCheckpointInfo
{
    /// <summary>Entries in the chain (the head's sequence number).</summary>
    public long Size { get; set; }

    /// <summary>Hash of the head entry; the genesis hash for an empty chain.</summary>
    public string HeadHash { get; set; } = "";

    /// <summary>When the checkpoint was signed (Unix milliseconds).</summary>
    public long Time { get; set; }

    /// <summary>Signature algorithm, e.g. <c>ecdsa-p256-sha256</c>.</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>Signer's public key, base64 SubjectPublicKeyInfo.</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>Base64 signature over <see cref="SignedText"/>.</summary>
    public string Signature { get; set; } = "";

    /// <summary>The exact text signed (UTF-8).</summary>
    public string? SignedText { get; set; }
}
