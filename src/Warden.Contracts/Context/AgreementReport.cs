namespace Warden.Contracts.Context;

/// <summary>Inter-reviewer agreement (<c>GET /api/reviews/agreement</c>).</summary>
public sealed class AgreementReport
{
    /// <summary>Cohen's kappa for every pair of reviewers with shared items.</summary>
    public List<PairAgreement> Pairs { get; set; } = [];

    /// <summary>Per reviewer: decisions, mean pairwise kappa, agreement with the final label.</summary>
    public List<ReviewerAgreement> Reviewers { get; set; } = [];

    /// <summary>Items used for Fleiss' kappa (those with the most common number of votes, at least two).</summary>
    public int FleissItems { get; set; }

    /// <summary>Raters per item in the Fleiss computation.</summary>
    public int FleissRaters { get; set; }

    /// <summary>Fleiss' kappa over all reviewers; null when undefined.</summary>
    public double? FleissKappa { get; set; }
}
