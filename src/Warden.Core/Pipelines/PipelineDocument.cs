namespace Warden.Core.Pipelines;

/// <summary>
/// The <c>pipeline</c> settings document of a model: steps run in order after the model answered, combining rules,
/// models, ensembles, thresholds, fallbacks and human review into one decision. Versioned and audited like every settings
/// document, so it can be changed and rolled back (PUT an earlier version's document again) without redeploying a model.
/// </summary>
public sealed class PipelineDocument
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "pipeline";

    /// <summary>The steps, run in order.</summary>
    public List<PipelineStep> Steps { get; set; } = [];

    /// <summary>Label for a score at or above the threshold (default <c>true</c>).</summary>
    public string PositiveLabel { get; set; } = "true";

    /// <summary>Label for a score below the threshold (default <c>false</c>).</summary>
    public string NegativeLabel { get; set; } = "false";
}
