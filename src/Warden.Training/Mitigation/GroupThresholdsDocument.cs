using System.Text.Json;
using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// <c>group-thresholds.json</c>, written next to a model trained with <see cref="MitigationMethod.Threshold"/>: the server
/// looks up the request's value of <see cref="SensitiveAttribute"/>, forms the group key (<c>afam=yes</c> / <c>afam=no</c>)
/// and replaces the model's label by <see cref="GroupThresholds.Apply"/> on the model's probability.
/// </summary>
/// <param name="SensitiveAttribute">Request field holding the group (<c>afam</c>, values <c>yes</c> / <c>no</c>).</param>
/// <param name="ScoreOutput">Model output the thresholds apply to.</param>
/// <param name="Thresholds">The per-group randomised rules from <see cref="ThresholdOptimizer"/>.</param>
public sealed record GroupThresholdsDocument(string SensitiveAttribute, string ScoreOutput, GroupThresholds Thresholds)
{
    /// <summary>File name next to <c>model.onnx</c>.</summary>
    public const string FileName = "group-thresholds.json";

    /// <summary>JSON with Core's fairness serializer settings (±∞ thresholds as "Infinity" / "-Infinity").</summary>
    public string ToJson() => JsonSerializer.Serialize(this, FairnessReportJson.Options);

    /// <summary>Reads the document back.</summary>
    public static GroupThresholdsDocument FromJson(string json) =>
        JsonSerializer.Deserialize<GroupThresholdsDocument>(json, FairnessReportJson.Options) ?? throw new JsonException("Empty group thresholds document.");
}
