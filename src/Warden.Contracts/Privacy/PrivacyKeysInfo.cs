namespace Warden.Contracts.Privacy;

/// <summary>Payload encryption at rest and the rows stored under each key (<c>GET /api/privacy/keys</c>).</summary>
public sealed class PrivacyKeysInfo
{
    /// <summary>True when payloads are encrypted at rest.</summary>
    public bool Encryption { get; set; }

    /// <summary>Key new payloads are encrypted under.</summary>
    public int? ActiveKeyId { get; set; }

    /// <summary>Every configured key id.</summary>
    public List<int> KeyIds { get; set; } = [];

    /// <summary>True when a hashing key for pseudonymised values is configured.</summary>
    public bool HashKeyConfigured { get; set; }

    /// <summary>True when PII is redacted before storage.</summary>
    public bool RedactPii { get; set; }

    /// <summary>Rows per table and key.</summary>
    public List<PayloadKeyRows> Rows { get; set; } = [];
}
