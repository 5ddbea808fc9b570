namespace Warden.Contracts.Context;

/// <summary>One reviewer's agreement statistics.</summary>
public sealed class ReviewerAgreement
{
    /// <summary>Reviewer key id.</summary>
    public string Reviewer { get; set; } = "";

    /// <summary>Decisions.</summary>
    public int Decisions { get; set; }

    /// <summary>Mean Cohen's kappa with the reviewers they share items with (defined pairs only).</summary>
    public double? MeanKappa { get; set; }

    /// <summary>Fraction of their votes on decided items that equal the final label.</summary>
    public double? AgreementWithFinal { get; set; }
}
