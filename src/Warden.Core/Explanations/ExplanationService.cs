using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Tensors;

namespace Warden.Core.Explanations;

/// <summary>
/// Explains predictions of registered model versions with <see cref="ShapleyExplainer"/> over the version's ONNX session
/// and its stored background sample: exact up to <see cref="ShapleyOptions.ExactFeatureLimit"/> features, permutation
/// sampling above. Explanations are CPU-heavy (2^M × background rows model evaluations), so at most two run at once.
/// </summary>
public sealed class ExplanationService
{
    /// <summary>Score output used when the card names none.</summary>
    public const string DefaultScoreOutput = "probability";

    private readonly ModelRegistry _registry;
    private readonly BackgroundStore _backgrounds;
    private readonly SemaphoreSlim _gate = new(2, 2);

    public ExplanationService(ModelRegistry registry, BackgroundStore backgrounds)
    {
        _registry = registry;
        _backgrounds = backgrounds;
    }

    /// <summary>Options used for every explanation.</summary>
    public ShapleyOptions Options { get; init; } = new() { AdditivityTolerance = 1e-6 };

    /// <summary>
    /// Explains one row. <paramref name="bind"/> turns the version's signature into bound inputs (one row).
    /// Throws 404 for unknown models, 400 when the version has no background sample or cannot be explained.
    /// </summary>
    public async Task<ModelExplanation> ExplainAsync(string model, string? version, Func<ModelSignature, NamedTensor[]> bind, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var lease = _registry.Acquire(model, version);
            var label = lease.Record.Version;
            var background = _backgrounds.Get(model, label)
                ?? throw WardenException.BadRequest($"version '{label}' of model '{model}' has no background sample; deploy it with a 'background' CSV part");
            var scorer = new ModelScorer(lease.Model, ModelRegistry.ScoreOutputOf(lease.Record));
            var row = scorer.Row(bind(lease.Model.Signature));
            var explainer = new ShapleyExplainer(scorer.Score, scorer.Features, scorer.BackgroundRows(background), Options);
            var explanation = explainer.Explain(row);
            if (Enumerable.Range(0, scorer.Features.Count).Any(scorer.IsCategorical))
            {
                // The explainer saw category indices; give categorical features their value back as text.
                explanation = explanation with
                {
                    Attributions = explanation.Attributions
                        .Select(a => scorer.IsCategorical(a.Index) ? a with { Value = 0, Category = scorer.Category(a.Index, a.Value) } : a)
                        .ToList(),
                };
            }

            if (!double.IsFinite(explanation.Output) || !double.IsFinite(explanation.BaseValue) || explanation.Attributions.Any(a => !double.IsFinite(a.Phi)))
            {
                // The model answered NaN or infinity for this row or for the background: there is nothing to attribute.
                throw new WardenException(422, $"model '{model}' version '{label}' gives a non-finite {scorer.ScoreOutput} for this row or its background sample, so it cannot be explained");
            }

            return new ModelExplanation(model, label, scorer.ScoreOutput, explanation);
        }
        finally
        {
            _gate.Release();
        }
    }
}
