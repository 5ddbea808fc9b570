namespace Warden.Core.Drift;

/// <summary>An alert raised by a rule.</summary>
/// <param name="Rule">The rule that fired.</param>
/// <param name="Value">The observed value that met the threshold.</param>
/// <param name="Message">One-line human-readable explanation.</param>
public sealed record DriftAlert(DriftAlertRule Rule, double Value, string Message);
