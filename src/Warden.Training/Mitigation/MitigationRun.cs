namespace Warden.Training.Mitigation;

/// <summary>One mitigation run in memory: the split, the fitted models and the report.</summary>
internal sealed record MitigationRun(
    IReadOnlyList<HmdaApplication> Train,
    IReadOnlyList<HmdaApplication> Holdout,
    FittedMitigation Fitted,
    MitigationReport Report);
