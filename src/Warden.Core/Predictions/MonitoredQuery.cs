namespace Warden.Core.Predictions;

/// <summary>
/// A slice of one model version's logged predictions for monitoring: sequence numbers in (<paramref name="After"/>,
/// <paramref name="Through"/>], time from <paramref name="Since"/>, shadow copies left out.
/// </summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Only predictions answered by this version.</param>
/// <param name="Since">Window start; all history when null.</param>
/// <param name="After">Exclusive lower bound of the sequence number.</param>
/// <param name="Through">Inclusive upper bound of the sequence number.</param>
/// <param name="IncludeIds">Read prediction ids (needed to join labels); otherwise ids may be null.</param>
public sealed record MonitoredQuery(string Model, string Version, DateTimeOffset? Since, long After, long Through, bool IncludeIds);
