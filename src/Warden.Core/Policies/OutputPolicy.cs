namespace Warden.Core.Policies;

/// <summary>
/// The <c>output-policy</c> settings document: how much of the model's answer a caller sees. Coarser answers make model
/// extraction and membership inference harder (Tramèr et al., "Stealing Machine Learning Models via Prediction APIs",
/// USENIX Security 2016, §8: rounding and label-only answers as countermeasures).
/// </summary>
public sealed class OutputPolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "output-policy";

    /// <summary>
    /// <c>full</c> (default), <c>top-class</c> (each floating-point score output becomes the predicted class: arg-max index
    /// (INT64) for several classes, BOOL p &gt; 0.5 for one) or <c>suppress-scores</c> (floating-point outputs are removed).
    /// </summary>
    public string Mode { get; set; } = "full";

    /// <summary>Round floating-point outputs to this many decimals (0–15) in <c>full</c> mode.</summary>
    public int? Decimals { get; set; }

    /// <summary>Every problem with the document.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Mode is not ("full" or "top-class" or "suppress-scores"))
        {
            problems.Add("'mode' must be 'full', 'top-class' or 'suppress-scores'");
        }

        if (Decimals is < 0 or > 15)
        {
            problems.Add("'decimals' must be between 0 and 15");
        }

        return problems;
    }
}
