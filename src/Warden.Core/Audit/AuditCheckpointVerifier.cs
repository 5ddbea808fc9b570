using System.Security.Cryptography;
using System.Text;

namespace Warden.Core.Audit;

/// <summary>
/// Checks a chain against a signed checkpoint: the signature (under a pinned public key when given), then that the chain
/// still holds the checkpointed head — fewer entries is a truncation or rollback, a different hash at that size is a
/// fork — and that every later entry links back to it.
/// </summary>
public static class AuditCheckpointVerifier
{
    /// <summary>Problems found; empty when the chain extends the checkpoint.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="chain">Sequence, hash and previous hash of every entry, in sequence order.</param>
    /// <param name="pinnedPublicKey">Base64 SubjectPublicKeyInfo the checkpoint must be signed with; null trusts the embedded key.</param>
    public static IReadOnlyList<string> Verify(AuditCheckpoint checkpoint, IReadOnlyList<(long Sequence, string Hash, string PreviousHash)> chain, string? pinnedPublicKey = null)
    {
        var problems = new List<string>();
        if (pinnedPublicKey is not null && pinnedPublicKey != checkpoint.PublicKey)
        {
            problems.Add("the checkpoint is signed with another key than the pinned one");
        }

        if (!SignatureValid(checkpoint))
        {
            problems.Add("the checkpoint's signature is not valid");
        }

        if (checkpoint.Size == 0)
        {
            return problems;
        }

        var at = -1;
        for (var i = 0; i < chain.Count; i++)
        {
            if (chain[i].Sequence == checkpoint.Size)
            {
                at = i;
                break;
            }
        }

        if (at < 0)
        {
            var last = chain.Count == 0 ? 0 : chain[^1].Sequence;
            problems.Add($"truncated or rolled back: the checkpoint covers {checkpoint.Size} entries, the chain ends at entry {last}");
            return problems;
        }

        if (chain[at].Hash != checkpoint.HeadHash)
        {
            problems.Add($"fork: entry {checkpoint.Size} has hash {chain[at].Hash[..12]}…, the checkpoint says {checkpoint.HeadHash[..Math.Min(12, checkpoint.HeadHash.Length)]}…");
            return problems;
        }

        for (var i = at + 1; i < chain.Count; i++)
        {
            if (chain[i].PreviousHash != chain[i - 1].Hash)
            {
                problems.Add($"entry {chain[i].Sequence} does not link to entry {chain[i - 1].Sequence}: the chain after the checkpoint was altered");
                break;
            }
        }

        return problems;
    }

    private static bool SignatureValid(AuditCheckpoint checkpoint)
    {
        if (checkpoint.Algorithm != AuditCheckpoint.EcdsaP256)
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(checkpoint.PublicKey), out _);
            return key.VerifyData(Encoding.UTF8.GetBytes(checkpoint.SignedText), Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return false;
        }
    }
}
