using System.Security.Cryptography;

namespace Warden.Core.Bundles;

/// <summary>Identity, validity and protection of a bundle being packed.</summary>
public sealed class BundlePackOptions
{
    public required string Model { get; init; }

    public required string Version { get; init; }

    public string Channel { get; init; } = "stable";

    /// <summary>How long the bundle is valid after it is created.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Recorded in the manifest when the model was quantised.</summary>
    public string? Quantization { get; init; }

    /// <summary>Encrypts the model for this device public key when set.</summary>
    public ECDiffieHellman? EncryptFor { get; init; }

    /// <summary>Bundle id; a random one when null.</summary>
    public string? BundleId { get; init; }
}
