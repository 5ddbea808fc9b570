using System.Runtime.CompilerServices;
using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Settings;

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
    private readonly IModelCatalog _registry;
    private readonly ConditionalWeakTable<PipelineDocument, CompiledPipeline> _compiled = [];

    public PipelineInterceptor(ModelSettings settings, IModelCatalog registry)
    {
        _settings = settings;
        _registry = registry;
    }

    /// <summary>Before review (100), after input and output policies at 0.</summary>
    public override int Order => 50;

    public override void OnOutputs(InferenceContext context)
    {
        var document = _settings.Get<PipelineDocument>(context.Model, PipelineDocument.Kind);
        if (document is null || context.Inputs is null || context.Outputs is null || context.Record is null || context.Record.Kind == ModelKinds.Pipeline)
        {
            return;
        }

        Evaluate(context, _compiled.GetValue(document, CompiledPipeline.Compile));
    }

    // Apart from OnOutputs, so that the closure is allocated only for a model with a pipeline, not for every answer.
    private void Evaluate(InferenceContext context, CompiledPipeline pipeline)
    {
        var result = PipelineEvaluation.Run(context, pipeline, (model, version) => Score(context, model, version));
        context.Outputs = PipelineEvaluation.Apply(context, result, _settings.GetVersion(context.Model, PipelineDocument.Kind)?.Version);
    }

    private double Score(InferenceContext context, string model, string? version)
    {
        if (model == context.Model && (version is null ? context.Version is null : version == context.Record!.Version))
        {
            // The served model already answered this request: reuse its outputs rather than run it twice.
            return PipelineEvaluation.ReadScore(context.Outputs!, ModelRegistry.ScoreOutputOf(context.Record!));
        }

        return PipelineEvaluation.ScoreMember(_registry, context.Inputs!, model, version, 503);
    }
}
