namespace Warden.Core.Monitoring;

/// <summary>A stored fairness audit of live traffic.</summary>
/// <param name="Id">Id (0 before it is stored).</param>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version audited, or null for all versions.</param>
/// <param name="Time">When it ran.</param>
/// <param name="Actor">Key id, or <c>system</c> for scheduled audits.</param>
/// <param name="Trigger"><c>manual</c> or <c>scheduled</c>.</param>
/// <param name="Rows">Labelled predictions analysed.</param>
/// <param name="Passed">Policy verdict, null when no policy applied.</param>
/// <param name="Failures">Failed policy checks as text.</param>
/// <param name="ReportJson">The fairness report (FairnessReportJson).</param>
public sealed record FairnessAuditRecord(
    long Id, string Model, string? Version, DateTimeOffset Time, string Actor, string Trigger, int Rows, bool? Passed,
    IReadOnlyList<string> Failures, string ReportJson);
