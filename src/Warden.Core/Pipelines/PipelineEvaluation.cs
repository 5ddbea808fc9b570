using Warden.Core.Inference;
using Warden.Core.Pipelines.Expressions;
using Warden.Core.Registry;
using Warden.Core.Review;
using Warden.Core.Tensors;

namespace Warden.Core.Pipelines;

/// <summary>What attached pipelines (settings) and deployed pipelines (registry versions) share: variables, scoring, the answer.</summary>
internal static class PipelineEvaluation
{
    /// <summary>Runs <paramref name="pipeline"/> over the request's row; a condition that cannot be evaluated is a 400.</summary>
    public static PipelineResult Run(InferenceContext context, CompiledPipeline pipeline, Func<string, string?, double> score)
    {
        var inputs = context.Inputs!;
        if (inputs.Any(i => i.Data.Length != 1))
        {
            throw WardenException.BadRequest($"'{context.Model}' is served through a pipeline, which decides one row per request; send one value per input");
        }

        var variables = new Dictionary<string, object?>(inputs.Length + 8, StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (input.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool))
            {
                variables[input.Name] = input.GetAsWritten(0);
            }
        }

        if (context.Sensitive is not null)
        {
            foreach (var (name, value) in context.Sensitive)
            {
                variables["sensitive." + name] = value;
            }
        }

        try
        {
            return PipelineRunner.Run(pipeline, variables, score);
        }
        catch (ExpressionException ex)
        {
            throw WardenException.BadRequest("a pipeline condition could not be evaluated on this request: " + ex.Error.Message);
        }
    }

    /// <summary>
    /// Scores one row with a member model leased from the registry (its production version unless pinned). An input the
    /// member needs and the request lacks is <paramref name="missingStatus"/>: 400 for a deployed pipeline, whose
    /// signature names it; 503 for an attached one, where the served model's signature could not have told the caller.
    /// </summary>
    public static double ScoreMember(IModelCatalog registry, NamedTensor[] available, string model, string? version, int missingStatus)
    {
        using var lease = registry.Acquire(model, version);
        var inputs = new NamedTensor[lease.Model.Signature.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var spec = lease.Model.Signature.Inputs[i];
            inputs[i] = Array.Find(available, t => t.Name == spec.Name && t.Datatype == spec.Datatype)
                ?? throw new WardenException(missingStatus, $"pipeline model '{model}' needs input '{spec.Name}' ({spec.Datatype.ToWire()}), which the request does not carry");
        }

        var name = ModelRegistry.ScoreOutputOf(lease.Record);
        return ReadScore(lease.Model.Run(inputs, [name]), name);
    }

    /// <summary>The last value of output <paramref name="name"/> (the positive class of a [1, 2] probability tensor).</summary>
    public static double ReadScore(NamedTensor[] outputs, string name)
    {
        var output = Array.Find(outputs, o => o.Name == name)
            ?? throw new WardenException(503, $"the pipeline needs output '{name}', which the model did not produce");
        return output.GetDouble(output.Data.Length - 1);
    }

    /// <summary>Writes the decision (and score) as outputs, the response parameters, and the review request if any.</summary>
    public static NamedTensor[] Apply(InferenceContext context, PipelineResult result, object? pipelineVersion)
    {
        var outputs = new List<NamedTensor> { new(PipelineInterceptor.DecisionOutput, TensorDatatype.Bytes, [1, 1], new[] { result.Label }) };
        if (result.Score is { } score)
        {
            outputs.Add(new NamedTensor(PipelineInterceptor.ScoreOutput, TensorDatatype.Fp32, [1, 1], new[] { (float)score }));
            context.Items[PipelineInterceptor.ScoreKey] = score;
        }

        context.ResponseParameters["decided_by"] = result.DecidedBy;
        context.ResponseParameters["rules_fired"] = result.RulesFired;
        context.ResponseParameters["pipeline_version"] = pipelineVersion;
        if (result.ReviewReasons.Count > 0)
        {
            context.Items[ReviewRequest.ItemKey] = new ReviewRequest(result.ReviewReasons, result.ReviewMode, result.ReviewersRequired);
        }

        return [.. outputs];
    }
}
