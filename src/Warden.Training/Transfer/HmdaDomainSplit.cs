namespace Warden.Training.Transfer;

/// <summary>
/// The natural domain split of the HMDA data used by the transfer and adaptation experiments: source = applicants with
/// <c>afam = no</c> (2,041 rows, 9.3 % denied), target = <c>afam = yes</c> (339 rows, 28.3 % denied). The target differs in
/// its covariates (worse credit histories, more condominiums, higher loan-to-value) and in its base rate, and <c>afam</c>
/// itself is not a model input, so a model trained on the majority meets a genuinely shifted population.
/// </summary>
public static class HmdaDomainSplit
{
    /// <summary>Splits <paramref name="rows"/> by <see cref="HmdaApplication.Afam"/>, keeping file order.</summary>
    public static (IReadOnlyList<HmdaApplication> Source, IReadOnlyList<HmdaApplication> Target) Split(IReadOnlyList<HmdaApplication> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return (rows.Where(r => r.Afam == 0f).ToArray(), rows.Where(r => r.Afam == 1f).ToArray());
    }
}
