using System.Text.Json.Serialization;

namespace Warden.Contracts.Registry;

/// <summary>
/// The human-facing description of one model version: who owns it, what it is for, what it must not be used for,
/// what it was trained on and how well it does. Field names follow the Google Model Card Toolkit sections.
/// Stored as JSON (<c>card.json</c>) beside <c>model.onnx</c>.
/// </summary>
public sealed class ModelCard
{
    /// <summary>Model name, e.g. <c>credit-risk</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Free-text description of what the model predicts.</summary>
    public string Description { get; set; } = "";

    /// <summary>Team or person accountable for the model.</summary>
    public string Owner { get; set; } = "";

    /// <summary>Uses the model was built and evaluated for. Consumer keys are granted purposes from this list.</summary>
    public List<string> IntendedUses { get; set; } = [];

    /// <summary>Uses the model must not be put to. A request declaring one of these is refused when purposes are enforced.</summary>
    public List<string> OutOfScopeUses { get; set; } = [];

    /// <summary>Where the training data came from and how it was prepared.</summary>
    public TrainingDataInfo? TrainingData { get; set; }

    /// <summary>Profile of the training data (per-input statistics, group representation), written at train time.</summary>
    public DataProfileInfo? DataProfile { get; set; }

    /// <summary>Licence of the model, if stated.</summary>
    public string? License { get; set; }

    /// <summary>References (papers, data-set pages, repositories).</summary>
    public List<string> References { get; set; } = [];

    /// <summary>Names of the model inputs, in order, with a short meaning each.</summary>
    public List<FeatureInfo> Features { get; set; } = [];

    /// <summary>Attributes kept out of the model but recorded with predictions for fairness audits (e.g. <c>afam</c>).</summary>
    public List<string> SensitiveAttributes { get; set; } = [];

    /// <summary>Evaluation metrics, name to value (e.g. <c>auc</c>, <c>accuracy</c>), on held-out data.</summary>
    public Dictionary<string, double> Metrics { get; set; } = [];

    /// <summary>Known limitations and failure modes.</summary>
    public List<string> Limitations { get; set; } = [];

    /// <summary>Ethical considerations, risks and the mitigations applied.</summary>
    public List<string> EthicalConsiderations { get; set; } = [];

    /// <summary>Training algorithm and its main hyper-parameters.</summary>
    public Dictionary<string, string> Parameters { get; set; } = [];

    /// <summary>Bias mitigation applied when training (<c>none</c> when none).</summary>
    public string? Mitigation { get; set; }

    /// <summary>Name of the output that carries the positive-class probability, used by fairness, drift and review.</summary>
    public string? ScoreOutput { get; set; }

    /// <summary>Name of the output that carries the predicted label.</summary>
    public string? LabelOutput { get; set; }

    /// <summary>Extra sections a team wants to keep with the card.</summary>
    [JsonExtensionData]
    public Dictionary<string, object>? Extra { get; set; }
}
