using System.Runtime.CompilerServices;
using Warden.Core.Explanations;
using Warden.Core.Inference;
using Warden.Core.Pipelines.Expressions;
using Warden.Core.Registry;
using Warden.Core.Review;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Pipelines;

/// <summary>
/// Runs a model's <c>pipeline</c> settings document after the model answered (no document: nothing happens). The answer's
/// outputs become <c>decision</c> (BYTES) and, when a model scored, <c>score</c> (FP32); the response parameters say
/// <c>decided_by</c>, <c>rules_fired</c> and <c>pipeline_version</c>. A review step hands the row to the review queue.
/// Pipelines decide one row per request.
/// </summary>
public sealed class PipelineInterceptor : InferenceInterceptor
{
    /// <summary>Output name of the pipeline's score.</summary>
    public const string ScoreOutput = "score";

    /// <summary>Output name of the pipeline's decision.</summary>
    public const string DecisionOutput = "decision";

    /// <summary>Items key set when a pipeline produced the outputs.</summary>
    public const string ScoreKey = "pipeline.score";

    private readonly ModelSettings _settings;
    private readonly ModelRegistry _registry;
    private readonly ConditionalWeakTable<PipelineDocument, CompiledPipeline> _compiled = [];

    public PipelineInterceptor(ModelSettings settings, ModelRegistry registry)
    {
        _settings = settings;
        _registry = registry;
    }

    /// <summary>Before review (100), after input and output policies at 0.</summary>
    public override int Order => 50;

    public override void OnOutputs(InferenceContext context)
    {
        var document = _settings.Get<PipelineDocument>(context.Model, PipelineDocument.Kind);
        if (document is null || context.Inputs is null || context.Outputs is null || context.Record is null)
        {
            return;
        }

        if (context.Inputs.Any(i => i.Data.Length != 1))
        {
            throw WardenException.BadRequest($"model '{context.Model}' is served through a pipeline, which decides one row per request; send one value per input");
        }

        var pipeline = _compiled.GetValue(document, CompiledPipeline.Compile);
        var variables = new Dictionary<string, object?>(context.Inputs.Length + 8, StringComparer.Ordinal);
        foreach (var input in context.Inputs)
        {
            if (input.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool))
            {
                variables[input.Name] = input.GetDouble(0);
            }
        }

        if (context.Sensitive is not null)
        {
            foreach (var (name, value) in context.Sensitive)
            {
                variables["sensitive." + name] = value;
            }
        }

        PipelineResult result;
        try
        {
            result = PipelineRunner.Run(pipeline, variables, (model, version) => Score(context, model, version));
        }
        catch (ExpressionException ex)
        {
            throw WardenException.BadRequest("a pipeline condition could not be evaluated on this request: " + ex.Error.Message);
        }

        var outputs = new List<NamedTensor> { new(DecisionOutput, TensorDatatype.Bytes, [1, 1], new[] { result.Label }) };
        if (result.Score is { } score)
        {
            outputs.Add(new NamedTensor(ScoreOutput, TensorDatatype.Fp32, [1, 1], new[] { (float)score }));
            context.Items[ScoreKey] = score;
        }

        context.Outputs = [.. outputs];
        context.ResponseParameters["decided_by"] = result.DecidedBy;
        context.ResponseParameters["rules_fired"] = result.RulesFired;
        context.ResponseParameters["pipeline_version"] = _settings.GetVersion(context.Model, PipelineDocument.Kind)?.Version;
        if (result.ReviewReasons.Count > 0)
        {
            context.Items[ReviewRequest.ItemKey] = new ReviewRequest(result.ReviewReasons, result.ReviewMode, result.ReviewersRequired);
        }
    }

    private double Score(InferenceContext context, string model, string? version)
    {
        if (model == context.Model && (version is null ? context.Version is null : version == context.Record!.Version))
        {
            // The served model already answered this request: reuse its outputs rather than run it twice.
            return ReadScore(context.Outputs!, ScoreName(context.Record!));
        }

        using var lease = _registry.Acquire(model, version);
        var inputs = lease.Model.Signature.Inputs.Select(spec =>
            context.Inputs!.FirstOrDefault(t => t.Name == spec.Name && t.Datatype == spec.Datatype)
            ?? throw new WardenException(503, $"pipeline model '{model}' needs input '{spec.Name}' ({spec.Datatype.ToWire()}), which the request does not carry")).ToArray();
        var name = ScoreName(lease.Record);
        return ReadScore(lease.Model.Run(inputs, [name]), name);
    }

    private static string ScoreName(ModelVersionRecord record)
    {
        var card = ModelRegistry.ReadCard(record);
        return string.IsNullOrEmpty(card.ScoreOutput) ? ExplanationService.DefaultScoreOutput : card.ScoreOutput;
    }

    private static double ReadScore(NamedTensor[] outputs, string name)
    {
        var output = outputs.FirstOrDefault(o => o.Name == name)
            ?? throw new WardenException(503, $"the pipeline needs output '{name}', which the model did not produce");
        return output.GetDouble(output.Data.Length - 1);
    }
}
