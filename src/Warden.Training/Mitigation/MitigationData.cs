namespace Warden.Training.Mitigation;

/// <summary>Rows a mitigation is fitted or scored on: encoded (unscaled) features, labels and one sensitive column.</summary>
/// <param name="Features">Encoded features per row (<see cref="Tabular.TabularEncoder"/>'s layout), before scaling.</param>
/// <param name="Labels">True for the positive class.</param>
/// <param name="Groups">Raw value of the sensitive column per row.</param>
/// <param name="Attribute">Name of the sensitive column; group keys are <c>attribute=value</c>.</param>
internal sealed record MitigationData(float[][] Features, bool[] Labels, string[] Groups, string Attribute)
{
    public int Count => Labels.Length;

    public MitigationData Rows(IEnumerable<int> indices)
    {
        var chosen = indices.ToArray();
        return new MitigationData(chosen.Select(i => Features[i]).ToArray(), chosen.Select(i => Labels[i]).ToArray(),
            chosen.Select(i => Groups[i]).ToArray(), Attribute);
    }

    public static MitigationData FromHmda(IReadOnlyList<HmdaApplication> rows) => new(
        rows.Select(r => r.Features()).ToArray(), rows.Select(r => r.Deny).ToArray(), rows.Select(MitigationTrainer.Group).ToArray(),
        HmdaDataset.SensitiveAttribute);
}
