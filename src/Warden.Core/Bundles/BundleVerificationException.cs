namespace Warden.Core.Bundles;

/// <summary>A bundle was refused; <see cref="Failure"/> says why.</summary>
public sealed class BundleVerificationException : Exception
{
    public BundleVerificationException(BundleFailure failure, string message)
        : base(message) => Failure = failure;

    public BundleVerificationException()
        : this(BundleFailure.Malformed, "the bundle is malformed")
    {
    }

    public BundleVerificationException(string message)
        : this(BundleFailure.Malformed, message)
    {
    }

    public BundleVerificationException(string message, Exception innerException)
        : base(message, innerException) => Failure = BundleFailure.Malformed;

    /// <summary>The reason for refusal.</summary>
    public BundleFailure Failure { get; }

    /// <summary>The signed manifest, when the refusal came after the signature and parts were verified (an expired bundle).</summary>
    public BundleManifest? Manifest { get; init; }

    /// <summary>The bundle's verified policies, when <see cref="Manifest"/> is set: an expired bundle's <c>on_expiry</c>.</summary>
    public BundlePolicies? Policies { get; init; }
}
