namespace Warden.Core.Usage;

/// <summary>Counts of one key × model × purpose in one hourly bucket (<see cref="Bucket"/> = start of the hour).</summary>
public sealed record UsageCount(DateTimeOffset Bucket, string KeyId, string Model, string Purpose, long Requests, long Errors, long Violations);
