using System.Globalization;
using Warden.Core.Review;

namespace Warden.Core.Pipelines;

/// <summary>
/// Runs a <see cref="CompiledPipeline"/> for one row. Models are reached through a delegate (model, version) → score, so
/// the runner is independent of the registry; a delegate that throws is a model failure, which a following fallback step
/// handles (without one the failure propagates).
/// </summary>
public static class PipelineRunner
{
    /// <summary>
    /// Runs the steps over <paramref name="variables"/> (numeric inputs by name, <c>sensitive.*</c> strings); the runner adds
    /// <c>score</c>, <c>confidence</c> and <c>margin</c> once a model has scored.
    /// </summary>
    public static PipelineResult Run(CompiledPipeline pipeline, Dictionary<string, object?> variables, Func<string, string?, double> score)
    {
        var document = pipeline.Document;
        var fired = new List<string>();
        var review = new List<string>();
        string? reviewMode = null;
        var reviewers = 1;
        double? current = null;
        string? label = null;
        var decidedBy = "";
        Exception? failure = null;
        for (var i = 0; i < document.Steps.Count; i++)
        {
            var step = document.Steps[i];
            var condition = pipeline.Conditions[i];
            switch (step.Type)
            {
                case "rule":
                    if (condition!.EvaluateBoolean(variables))
                    {
                        fired.Add(step.Name);
                        if (step.Action == "decide")
                        {
                            return new PipelineResult(step.Label!, current, "rule:" + step.Name, fired, review, reviewMode ?? ReviewModes.Advise, reviewers);
                        }

                        if (step.Action == "review")
                        {
                            review.Add($"rule '{step.Name}' ({step.Condition}) fired");
                            reviewMode ??= ReviewModes.Advise;
                        }
                    }

                    break;
                case "model":
                    try
                    {
                        SetScore(variables, ref current, score(step.Model!, step.Version));
                        decidedBy = "model:" + step.Model + (step.Version is null ? "" : ":" + step.Version);
                        failure = null;
                    }
                    catch (Exception ex) when (ex is WardenException or InvalidOperationException)
                    {
                        failure = ex;
                    }

                    break;
                case "ensemble":
                    try
                    {
                        double total = 0, weights = 0;
                        foreach (var member in step.Members)
                        {
                            var s = score(member.Model, member.Version);
                            total += member.Weight * (step.Method == "vote" ? (s >= 0.5 ? 1 : 0) : s);
                            weights += member.Weight;
                        }

                        SetScore(variables, ref current, total / weights);
                        decidedBy = "ensemble:" + step.Name;
                        failure = null;
                    }
                    catch (Exception ex) when (ex is WardenException or InvalidOperationException)
                    {
                        failure = ex;
                    }

                    break;
                case "fallback":
                    var when = step.When ?? "both";
                    var failed = failure is not null && when is "failure" or "both";
                    var unsure = current is { } c && step.MinConfidence is { } min && when is "low-confidence" or "both" && Math.Max(c, 1 - c) < min;
                    if (failed || unsure)
                    {
                        if (step.Label is not null)
                        {
                            return new PipelineResult(step.Label, current, "fallback:" + step.Name, fired, review, reviewMode ?? ReviewModes.Advise, reviewers);
                        }

                        SetScore(variables, ref current, score(step.Model!, step.Version));
                        decidedBy = "fallback:" + step.Name;
                        failure = null;
                    }

                    break;
                case "threshold":
                    ThrowIfFailed(failure);
                    var cut = step.Threshold!.Value;
                    foreach (var (attribute, cuts) in step.Groups)
                    {
                        if (variables.TryGetValue("sensitive." + attribute, out var value) && value is string group && cuts.TryGetValue(group, out var groupCut))
                        {
                            cut = groupCut;
                            break;
                        }
                    }

                    label = current >= cut ? document.PositiveLabel : document.NegativeLabel;
                    break;
                case "review":
                    var confidence = current is { } p ? Math.Max(p, 1 - p) : (double?)null;
                    var lowConfidence = step.MinConfidence is { } tau && confidence < tau;
                    if ((step.MinConfidence is null || lowConfidence) && (condition is null || condition.EvaluateBoolean(variables)))
                    {
                        review.Add(lowConfidence
                            ? string.Create(CultureInfo.InvariantCulture, $"review step '{step.Name}': confidence {confidence:F3} < {step.MinConfidence:G6}")
                            : $"review step '{step.Name}' fired");
                        reviewMode = step.Mode ?? ReviewModes.Advise;
                        reviewers = step.ReviewersRequired ?? 1;
                    }

                    break;
            }
        }

        ThrowIfFailed(failure);
        if (current is null && label is null)
        {
            throw new WardenException(500, "the pipeline ended without a decision: no rule decided and no model scored");
        }

        label ??= current >= 0.5 ? document.PositiveLabel : document.NegativeLabel;
        return new PipelineResult(label, current, decidedBy, fired, review, reviewMode ?? ReviewModes.Advise, reviewers);
    }

    private static void ThrowIfFailed(Exception? failure)
    {
        if (failure is not null)
        {
            throw failure is WardenException w ? w : new WardenException(503, "a pipeline model failed: " + failure.Message);
        }
    }

    private static void SetScore(Dictionary<string, object?> variables, ref double? current, double value)
    {
        // A binary score p: probabilities [1 − p, p], so confidence = max(p, 1 − p) and margin = |2p − 1|.
        current = value;
        variables["score"] = value;
        variables["confidence"] = Math.Max(value, 1 - value);
        variables["margin"] = Math.Abs((2 * value) - 1);
    }
}
