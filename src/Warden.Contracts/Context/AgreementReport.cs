namespace Warden.Contracts.Context;

/// <summary>Inter-reviewer agreement (<c>GET /api/reviews/agreement</c>).</summary>
public sealed class AgreementReport
{
    /// <summary>Cohen's kappa for every pair of reviewers with shared items.</summary>
    public List<PairAgreement> Pairs { get; set; } = [];

    /// <summary>Per reviewer: decisions, mean pairwise kappa, agreement with the final label.</summary>
    public List<ReviewerAgreement> Reviewers { get; set; } = [];

    /// <summary>Items used for Fleiss' kappa and Krippendorff's alpha: every item with at least two votes.</summary>
    public int FleissItems { get; set; }

    /// <summary>Largest number of votes on one item (items may have different numbers).</summary>
    public int FleissRaters { get; set; }

    /// <summary>Fleiss' kappa for varying numbers of raters per item; null when undefined.</summary>
    public double? FleissKappa { get; set; }

    /// <summary>Krippendorff's alpha (nominal) over the same items; null when undefined.</summary>
    public double? KrippendorffAlpha { get; set; }
}
