namespace Warden.Core.Abuse;

/// <summary>A structured misuse finding for one API key.</summary>
/// <param name="KeyId">The API key (or client) identifier the detector was fed.</param>
/// <param name="Kind">Which detector fired.</param>
/// <param name="Statistic">
/// The observed value: Shapiro–Wilk W for <see cref="AbuseAlertKind.Extraction"/> (or, from the reference test, the
/// binomial tail probability of the key's atypical queries), requests in the current bucket for
/// <see cref="AbuseAlertKind.VolumeSpike"/>, queries in the sweep for <see cref="AbuseAlertKind.FeatureSweep"/>.
/// </param>
/// <param name="Threshold">The configured bound the statistic crossed (W below it; counts at or above it).</param>
/// <param name="QueryCount">Queries seen from this key by the detector so far, including the current one.</param>
/// <param name="DetectedAt">When the detector fired (from its <see cref="TimeProvider"/>).</param>
/// <param name="Detail">Human-readable context, e.g. which feature is swept.</param>
public sealed record AbuseAlert(
    string KeyId,
    AbuseAlertKind Kind,
    double Statistic,
    double Threshold,
    long QueryCount,
    DateTimeOffset DetectedAt,
    string Detail);
