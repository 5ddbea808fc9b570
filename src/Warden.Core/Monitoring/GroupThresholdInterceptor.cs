using System.Collections.Concurrent;
using Warden.Contracts.Registry;
using Warden.Core.Inference;
using Warden.Core.Fairness;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Monitoring;

/// <summary>
/// Applies a model's <c>group-thresholds</c> to its label output: for each row the decision is drawn from the group's
/// randomised rule on the score output. The draw is seeded by the request id, so replaying a request gives the same answer.
/// Opt-in per model; without the settings document nothing changes.
/// </summary>
public sealed class GroupThresholdInterceptor(ModelSettings settings) : InferenceInterceptor
{
    private const string GroupItem = "group-thresholds.group";
    private readonly ConcurrentDictionary<(string Model, string Version), ModelCard> _cards = new();

    /// <summary>Runs after routing and access interceptors.</summary>
    public override int Order => 500;

    /// <summary>Seed of the decision draw for a request id (FNV-1a over its UTF-16 code units: stable across processes).</summary>
    public static int SeedFor(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        var hash = 2166136261u;
        foreach (var c in requestId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    // The version is known only once routing has picked it, so the group is resolved on the bound inputs, before the run.
    public override void OnInputs(InferenceContext context)
    {
        var document = settings.Get<GroupThresholdSettings>(context.Model, GroupThresholdSettings.Kind);
        if (document is null || context.Record is null || document.RulesFor(context.Record.Version) is not { } rules)
        {
            return;
        }

        var attributes = document.RequestAttributesFor(rules);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < attributes.Count; i++)
        {
            if (context.Sensitive is null || !context.Sensitive.TryGetValue(attributes[i], out var value))
            {
                if (document.Required)
                {
                    throw WardenException.BadRequest(
                        $"model '{context.Model}' applies per-group decision thresholds: send the group as parameters[\"{InferenceService.SensitivePrefix}{attributes[i]}\"]");
                }

                return;
            }

            values[rules.Features[i]] = value;
        }

        var group = rules.KeyFor(values);
        if (!rules.Rules.ContainsKey(group))
        {
            throw WardenException.BadRequest($"no decision threshold for group '{group}'; known groups: {string.Join(", ", rules.Rules.Keys)}");
        }

        // A request for the label alone still gets it decided from the score, which is computed but not returned.
        var card = _cards.GetOrAdd((context.Model, context.Record.Version), static (_, record) => ModelRegistry.ReadCard(record), context.Record);
        if (card.ScoreOutput is not null)
        {
            context.AdditionalOutputs.Add(card.ScoreOutput);
        }

        context.Items[GroupItem] = (group, rules);
    }

    public override void OnOutputs(InferenceContext context)
    {
        if (!context.TryGetItem(GroupItem, out var item) || item is not (string group, GroupThresholds rules) || context.Outputs is null || context.Record is null)
        {
            return;
        }

        Decide(context, context.Outputs, context.Record, group, rules);
    }

    // Apart from OnOutputs, so that the closures below are allocated only for a request with group thresholds.
    private void Decide(InferenceContext context, NamedTensor[] current, ModelVersionRecord record, string group, GroupThresholds rules)
    {
        var card = _cards.GetOrAdd((context.Model, record.Version), static (_, record) => ModelRegistry.ReadCard(record), record);
        if (card.ScoreOutput is null || card.LabelOutput is null)
        {
            throw new WardenException(409, $"group thresholds need the model card's scoreOutput and labelOutput; '{context.Model}' version {record.Version} lacks them");
        }

        var labelIndex = Array.FindIndex(current, o => o.Name == card.LabelOutput);
        if (labelIndex < 0)
        {
            return;
        }

        var score = current.FirstOrDefault(o => o.Name == card.ScoreOutput)
            ?? throw new WardenException(409, $"model '{context.Model}' version {record.Version} has no '{card.ScoreOutput}' output to decide '{card.LabelOutput}' from");
        var label = current[labelIndex];
        var random = new Random(SeedFor(context.Id));
        var rows = label.Data.Length;
        var decisions = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            decisions[i] = rules.Apply(score.GetDouble(i), group, random);
        }

        var outputs = (NamedTensor[])current.Clone();
        outputs[labelIndex] = label with { Data = Convert(label.Datatype, decisions) };
        context.Outputs = outputs;
        context.ResponseParameters["group_thresholds"] = group;
        context.ResponseParameters["group_thresholds_version"] = record.Version;
    }

    private static Array Convert(TensorDatatype datatype, bool[] decisions) => datatype switch
    {
        TensorDatatype.Bool => decisions,
        TensorDatatype.Int64 => decisions.Select(d => d ? 1L : 0L).ToArray(),
        TensorDatatype.Int32 => decisions.Select(d => d ? 1 : 0).ToArray(),
        TensorDatatype.Fp32 => decisions.Select(d => d ? 1f : 0f).ToArray(),
        TensorDatatype.Fp64 => decisions.Select(d => d ? 1d : 0d).ToArray(),
        _ => throw new WardenException(409, $"group thresholds cannot write a {datatype} label output"),
    };
}
