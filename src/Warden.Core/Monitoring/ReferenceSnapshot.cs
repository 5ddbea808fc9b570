using Warden.Core.Drift;

namespace Warden.Core.Monitoring;

/// <summary>
/// The reference of one model version for monitoring: a <see cref="ReferenceProfile"/> of its inputs and score, and, when
/// the reference data carried ground truth, the reference scores and labels that CBPE is fitted on.
/// </summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version.</param>
/// <param name="Profile">Profile of the inputs and of the score output (named as the card's <c>scoreOutput</c>).</param>
/// <param name="Scores">Reference scores of labelled rows, or null.</param>
/// <param name="Labels">Reference labels (true = positive class), aligned with <paramref name="Scores"/>, or null.</param>
/// <param name="Source">Where the reference came from (upload, background.csv).</param>
/// <param name="Actor">Who set it.</param>
/// <param name="Time">When.</param>
public sealed record ReferenceSnapshot(
    string Model, string Version, ReferenceProfile Profile, double[]? Scores, bool[]? Labels, string Source, string Actor, DateTimeOffset Time);
