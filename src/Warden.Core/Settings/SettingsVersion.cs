namespace Warden.Core.Settings;

/// <summary>One immutable version of a per-model settings document (a policy, a review rule, a canary plan …).</summary>
public sealed record SettingsVersion(string Model, string Kind, int Version, string Json, string Actor, DateTimeOffset Time);
