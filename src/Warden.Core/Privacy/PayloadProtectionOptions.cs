namespace Warden.Core.Privacy;

/// <summary>
/// Where the payload encryption keys come from: configuration (base64) and/or a key file. Keys are never read
/// from the database that holds the ciphertexts.
/// </summary>
public sealed class PayloadProtectionOptions
{
    /// <summary>Id (0–255) of the key used for new ciphertexts; overrides an <c>active:</c> line of the key file.</summary>
    public int? ActiveKeyId { get; set; }

    /// <summary>Keys by id ("1", "2", …) as base64 of 32 random bytes.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>
    /// Optional path of a key file: lines <c>ID: BASE64</c>, an optional <c>active: ID</c> line, blank lines and
    /// <c>#</c> comments. Keys from <see cref="Keys"/> and the file are merged; an id in both is an error.
    /// </summary>
    public string? KeyFile { get; set; }
}
