namespace Warden.Core.Abuse;

/// <summary>An <see cref="AbuseAlert"/> raised on one model's traffic, and whether the key was suspended for it.</summary>
/// <param name="Model">Model whose traffic raised the alert.</param>
/// <param name="Alert">The detector's finding.</param>
/// <param name="Suspended">True when the key was revoked because the model's policy says so.</param>
public sealed record ModelAbuseAlert(string Model, AbuseAlert Alert, bool Suspended);
