using Warden.Core.Pipelines.Expressions;
using Warden.Core.Review;

namespace Warden.Core.Pipelines;

/// <summary>A validated pipeline with its conditions compiled once, shared by all requests.</summary>
public sealed class CompiledPipeline
{
    private CompiledPipeline(PipelineDocument document, CompiledExpression?[] conditions)
    {
        Document = document;
        Conditions = conditions;
    }

    /// <summary>The document.</summary>
    public PipelineDocument Document { get; }

    /// <summary>Compiled condition per step (null where the step has none).</summary>
    internal CompiledExpression?[] Conditions { get; }

    /// <summary>Validates and compiles; throws <see cref="WardenException"/> (400) naming every problem.</summary>
    public static CompiledPipeline Compile(PipelineDocument document)
    {
        var problems = PipelineValidator.Validate(document);
        if (problems.Count > 0)
        {
            throw WardenException.BadRequest("the pipeline is invalid: " + string.Join("; ", problems));
        }

        return new CompiledPipeline(document, document.Steps.Select(s => s.Condition is null ? null : RuleSchema.Compile(s.Condition)).ToArray());
    }
}
