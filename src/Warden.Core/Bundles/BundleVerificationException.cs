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
}
