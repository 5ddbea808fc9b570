namespace Warden.Core.Pipelines;

/// <summary>What a pipeline decided for one row.</summary>
/// <param name="Label">The decision.</param>
/// <param name="Score">The score it rests on, when a model produced one.</param>
/// <param name="DecidedBy">Step that decided (e.g. <c>rule:high-ltv</c>, <c>model:credit-risk:1</c>, <c>fallback:rules</c>).</param>
/// <param name="RulesFired">Names of the rule steps whose condition was true.</param>
/// <param name="ReviewReasons">Why the row goes to human review (empty: it does not).</param>
/// <param name="ReviewMode">Mode of the review step that fired.</param>
/// <param name="ReviewersRequired">Reviewers required by that step.</param>
public sealed record PipelineResult(
    string Label, double? Score, string DecidedBy, IReadOnlyList<string> RulesFired, IReadOnlyList<string> ReviewReasons, string ReviewMode, int ReviewersRequired);
