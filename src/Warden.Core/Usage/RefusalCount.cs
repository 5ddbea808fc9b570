namespace Warden.Core.Usage;

/// <summary>
/// Refused calls of one key × model in one hourly bucket, by <see cref="Reason"/> (the step of the inference path that
/// refused: an interceptor's name, or <c>resolve</c>, <c>bind</c>, <c>run</c> …, the same label as the
/// <c>warden.inference.refusals</c> metric) and the HTTP <see cref="Status"/> answered.
/// </summary>
public sealed record RefusalCount(DateTimeOffset Bucket, string KeyId, string Model, string Reason, int Status, long Count);
