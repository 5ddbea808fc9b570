namespace Warden.Training.Mitigation;

/// <summary>One mitigation run in memory: the split, the fitted models and the report.</summary>
internal sealed record MitigationRun(
    MitigationData Train,
    MitigationData Holdout,
    FittedMitigation Fitted,
    MitigationReport Report);
