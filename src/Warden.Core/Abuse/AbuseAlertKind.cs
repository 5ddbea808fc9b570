namespace Warden.Core.Abuse;

/// <summary>Which misuse pattern an <see cref="AbuseAlert"/> reports.</summary>
public enum AbuseAlertKind
{
    /// <summary>The key's query distances are not normally distributed (PRADA model-extraction signal).</summary>
    Extraction,

    /// <summary>The key's request rate in the current time bucket is far above its usual rate.</summary>
    VolumeSpike,

    /// <summary>The key's successive queries step one feature monotonically while holding the others fixed.</summary>
    FeatureSweep,
}
