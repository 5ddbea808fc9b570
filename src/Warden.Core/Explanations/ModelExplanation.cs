namespace Warden.Core.Explanations;

/// <summary>A Shapley explanation of one prediction of a registered model version.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Version">Version that was explained.</param>
/// <param name="ScoreOutput">Output explained (the card's score output, <c>probability</c> by default).</param>
/// <param name="Explanation">The attributions and how they were computed.</param>
public sealed record ModelExplanation(string Model, string Version, string ScoreOutput, ShapleyExplanation Explanation);
