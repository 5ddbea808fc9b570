namespace Warden.Core.Bundles;

/// <summary>Why a bundle was refused.</summary>
public enum BundleFailure
{
    /// <summary>The container or one of its JSON documents is not well formed, or has parts the manifest does not list.</summary>
    Malformed,

    /// <summary>A part's bytes do not have the hash the manifest records.</summary>
    PartMismatch,

    /// <summary>The signature does not verify against the signer's key.</summary>
    BadSignature,

    /// <summary>The signer's key id is not among the trusted keys.</summary>
    UnknownSigner,

    /// <summary>The bundle's expiry has passed (or it claims to be created in the future).</summary>
    Expired,

    /// <summary>The bundle id or the signing key is on the revocation list.</summary>
    Revoked,

    /// <summary>The model is encrypted for another device.</summary>
    WrongDevice,

    /// <summary>The model could not be decrypted with this device's key, or decrypts to bytes with the wrong hash.</summary>
    DecryptionFailed,
}
