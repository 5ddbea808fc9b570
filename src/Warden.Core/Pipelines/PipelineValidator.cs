using Warden.Core.Review;

namespace Warden.Core.Pipelines;

/// <summary>Checks a <see cref="PipelineDocument"/> at deploy time; every problem names its step and field.</summary>
public static class PipelineValidator
{
    /// <summary>
    /// Every problem found; <paramref name="modelExists"/> checks model references (skipped when null). With
    /// <paramref name="inputsOf"/> (input names of a model and version, null when unknown) and the <paramref name="servedModel"/>
    /// the document is attached to, rule identifiers must be inputs of that model or of a member model: an attached pipeline
    /// only ever sees the served model's request. A pipeline deployed under its own name passes neither, because it may
    /// declare inputs of its own.
    /// </summary>
    public static IReadOnlyList<string> Validate(
        PipelineDocument document, Func<string, string?, bool>? modelExists = null, Func<string, string?, IReadOnlySet<string>?>? inputsOf = null, string? servedModel = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<string>();
        var knownInputs = inputsOf is null || servedModel is null ? null : inputsOf(servedModel, null)?.ToHashSet(StringComparer.Ordinal);
        if (knownInputs is not null)
        {
            foreach (var step in document.Steps)
            {
                foreach (var (model, version) in step.Members.Select(m => ((string?)m.Model, m.Version)).Append((step.Model, step.Version)))
                {
                    if (!string.IsNullOrWhiteSpace(model) && inputsOf!(model, version) is { } memberInputs)
                    {
                        knownInputs.UnionWith(memberInputs);
                    }
                }
            }
        }

        if (document.Steps.Count == 0)
        {
            problems.Add("steps: a pipeline needs at least one step");
        }
        else if (!document.Steps.Any(s => s.Type is "model" or "ensemble"))
        {
            // Rules alone cannot promise a decision: a request no rule decides would have no answer.
            problems.Add("steps: a pipeline needs a model or ensemble step, so that requests no rule decides still get an answer");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var scoreKnown = false;
        for (var i = 0; i < document.Steps.Count; i++)
        {
            var step = document.Steps[i];
            var at = $"steps[{i}]" + (string.IsNullOrEmpty(step.Name) ? "" : $" '{step.Name}'");
            void Problem(string field, string message) => problems.Add($"{at}.{field}: {message}");
            if (string.IsNullOrWhiteSpace(step.Name))
            {
                Problem("name", "is required");
            }
            else if (!names.Add(step.Name))
            {
                Problem("name", "is used by an earlier step");
            }

            void CheckCondition(bool required)
            {
                if (step.Condition is null)
                {
                    if (required)
                    {
                        Problem("condition", "is required");
                    }

                    return;
                }

                foreach (var error in RuleSchema.Validate(step.Condition))
                {
                    Problem("condition", error.Message);
                }

                if (knownInputs is not null)
                {
                    foreach (var name in RuleSchema.UnknownIdentifiers(step.Condition, knownInputs))
                    {
                        Problem("condition", RuleSchema.UnknownIdentifierProblem(name, knownInputs));
                    }
                }

                if (!scoreKnown)
                {
                    foreach (var name in RuleSchema.ScoreVariables.Where(n => MentionsIdentifier(step.Condition, n)))
                    {
                        Problem("condition", $"'{name}' is not known before a model or ensemble step");
                    }
                }
            }

            void CheckModel(string? model, string? version, string field)
            {
                if (string.IsNullOrWhiteSpace(model))
                {
                    Problem(field, "is required");
                }
                else if (modelExists is not null && !modelExists(model, version))
                {
                    Problem(field, $"model '{model}'" + (version is null ? " (production)" : $" version '{version}'") + " is not registered and servable");
                }
            }

            switch (step.Type)
            {
                case "rule":
                    CheckCondition(required: true);
                    if (step.Action is not ("decide" or "flag" or "review"))
                    {
                        Problem("action", $"'{step.Action}' is not decide, flag or review");
                    }
                    else if (step.Action == "decide" && string.IsNullOrWhiteSpace(step.Label))
                    {
                        Problem("label", "is required when the action is decide");
                    }

                    break;
                case "model":
                    CheckModel(step.Model, step.Version, "model");
                    scoreKnown = true;
                    break;
                case "ensemble":
                    if (step.Members.Count < 2)
                    {
                        Problem("members", "an ensemble needs at least two members");
                    }

                    for (var m = 0; m < step.Members.Count; m++)
                    {
                        CheckModel(step.Members[m].Model, step.Members[m].Version, $"members[{m}].model");
                        if (!(step.Members[m].Weight > 0))
                        {
                            Problem($"members[{m}].weight", "must be positive");
                        }
                    }

                    if (step.Method is not (null or "mean" or "vote"))
                    {
                        Problem("method", $"'{step.Method}' is not mean or vote");
                    }

                    scoreKnown = true;
                    break;
                case "threshold":
                    if (!scoreKnown)
                    {
                        Problem("type", "a threshold needs a score: put a model or ensemble step before it");
                    }

                    if (step.Threshold is not (>= 0 and <= 1))
                    {
                        Problem("threshold", "is required and must be between 0 and 1");
                    }

                    foreach (var (attribute, cuts) in step.Groups)
                    {
                        foreach (var (value, cut) in cuts)
                        {
                            if (cut is < 0 or > 1 || double.IsNaN(cut))
                            {
                                Problem($"groups.{attribute}.{value}", "must be between 0 and 1");
                            }
                        }
                    }

                    break;
                case "fallback":
                    if (step.When is not (null or "failure" or "low-confidence" or "both"))
                    {
                        Problem("when", $"'{step.When}' is not failure, low-confidence or both");
                    }

                    if ((step.When == "low-confidence" && step.MinConfidence is null) || step.MinConfidence is not (null or (> 0 and <= 1)))
                    {
                        Problem("minConfidence", "is required for low-confidence fallbacks and must be in (0, 1]");
                    }

                    if (step.Model is null == string.IsNullOrWhiteSpace(step.Label))
                    {
                        Problem("model", "give exactly one of model (a fallback model) or label (a fallback decision)");
                    }
                    else if (step.Model is not null)
                    {
                        CheckModel(step.Model, step.Version, "model");
                    }

                    if (!scoreKnown)
                    {
                        Problem("type", "a fallback follows a model or ensemble step");
                    }

                    break;
                case "review":
                    CheckCondition(required: false);
                    if (step.Mode is not (null or ReviewModes.Hold or ReviewModes.Advise))
                    {
                        Problem("mode", $"'{step.Mode}' is not hold or advise");
                    }

                    if (step.MinConfidence is < 0 or > 1)
                    {
                        Problem("minConfidence", "must be between 0 and 1");
                    }

                    if (step.ReviewersRequired is < 1 or > 20)
                    {
                        Problem("reviewersRequired", "must be between 1 and 20");
                    }

                    break;
                default:
                    Problem("type", $"'{step.Type}' is not rule, model, ensemble, threshold, fallback or review");
                    break;
            }
        }

        return problems;
    }

    private static bool MentionsIdentifier(string condition, string name)
    {
        try
        {
            return Pipelines.Expressions.RuleExpression.Parse(condition).Identifiers.Contains(name, StringComparer.Ordinal);
        }
        catch (Pipelines.Expressions.ExpressionException)
        {
            return false;
        }
    }
}
