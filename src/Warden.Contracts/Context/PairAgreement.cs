namespace Warden.Contracts.Context;

/// <summary>Cohen's kappa of two reviewers over the items both decided.</summary>
public sealed class PairAgreement
{
    /// <summary>First reviewer key id.</summary>
    public string A { get; set; } = "";

    /// <summary>Second reviewer key id.</summary>
    public string B { get; set; } = "";

    /// <summary>Items both reviewers decided.</summary>
    public int Items { get; set; }

    /// <summary>Cohen's kappa; null when undefined.</summary>
    public double? Kappa { get; set; }
}
