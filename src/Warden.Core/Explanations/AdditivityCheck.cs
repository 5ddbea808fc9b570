namespace Warden.Core.Explanations;

/// <summary>
/// The efficiency (local accuracy) property of Shapley values: base value + Σφ must equal f(x)
/// (Lundberg &amp; Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS, property 1).
/// </summary>
/// <param name="Reconstructed">Base value + Σφ.</param>
/// <param name="Output">f(x) as returned by the model.</param>
/// <param name="AbsoluteError">|Reconstructed − Output|.</param>
/// <param name="Tolerance">The tolerance the check used.</param>
/// <param name="Passed">Whether <paramref name="AbsoluteError"/> ≤ <paramref name="Tolerance"/>.</param>
public sealed record AdditivityCheck(double Reconstructed, double Output, double AbsoluteError, double Tolerance, bool Passed);
