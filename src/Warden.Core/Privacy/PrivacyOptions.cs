namespace Warden.Core.Privacy;

/// <summary>
/// Privacy of stored predictions (<c>Warden:Privacy</c>): the HMAC key for hashed features, PII redaction of text inputs,
/// and the AES-GCM keys for encryption at rest. Every key comes from configuration or a key file, never from the database.
/// </summary>
public sealed class PrivacyOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Warden:Privacy";

    /// <summary>
    /// Base64 HMAC-SHA256 key (at least 16 bytes) for features whose card redaction is <c>hash</c>. Without a key such
    /// features are dropped instead (fail closed).
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>Path of a file holding the base64 HMAC key (one line); used when <see cref="HashKey"/> is empty.</summary>
    public string? HashKeyFile { get; set; }

    /// <summary>
    /// Replace e-mail addresses, phone, IBAN and Luhn-valid card numbers in stored BYTES inputs with placeholders. Default
    /// true: only the stored copy changes, never the answer.
    /// </summary>
    public bool RedactPii { get; set; } = true;

    /// <summary>AES-256-GCM keys for stored payloads; encryption is off while no key is configured.</summary>
    public PayloadProtectionOptions Encryption { get; set; } = new();

    /// <summary>Rows re-encrypted per transaction by the rotation job. Default 500.</summary>
    public int ReencryptBatchSize { get; set; } = 500;

    /// <summary>
    /// Re-encrypt rows not under the active key in the background after start (so a key rotation needs only the new key
    /// in configuration and a restart). Default false: re-encryption runs on demand.
    /// </summary>
    public bool ReencryptInBackground { get; set; }

    /// <summary>Pause between background batches, so rotation never holds the store for long while serving. Default 200 ms.</summary>
    public TimeSpan ReencryptPause { get; set; } = TimeSpan.FromMilliseconds(200);
}
