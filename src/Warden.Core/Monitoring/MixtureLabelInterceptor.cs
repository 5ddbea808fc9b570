using System.Collections.Concurrent;
using Warden.Contracts.Registry;
using Warden.Core.Inference;
using Warden.Core.Registry;
using Warden.Core.Tensors;

namespace Warden.Core.Monitoring;

/// <summary>
/// Serves a randomised classifier (the exponentiated-gradient mixture) as Fairlearn's <c>predict</c> does: the label of each
/// row is drawn as 1 with the probability the mixture predicts 1, so served labels meet the fairness constraint in
/// expectation. The draw is seeded by the request id (as group thresholds are), so replaying a request gives the same label.
/// Only versions whose card says <c>parameters["served_label"] = "mixture-draw"</c> (written by <c>warden mitigate</c>) are touched.
/// </summary>
public sealed class MixtureLabelInterceptor : InferenceInterceptor
{
    /// <summary>The card parameter that turns the draw on, and its value.</summary>
    public const string CardParameter = "served_label";

    /// <summary>Value of <see cref="CardParameter"/> for a mixture whose label is drawn.</summary>
    public const string MixtureDraw = "mixture-draw";

    private const string Item = "mixture-label.card";
    private readonly ConcurrentDictionary<(string Model, string Version), ModelCard> _cards = new();

    /// <summary>Runs with the other decision post-processing, after routing and access.</summary>
    public override int Order => 510;

    public override void OnInputs(InferenceContext context)
    {
        if (context.Record is not { } record)
        {
            return;
        }

        // A static factory with its argument: a lambda over the record would be allocated on every request.
        var card = _cards.GetOrAdd((context.Model, record.Version), static (_, record) => ModelRegistry.ReadCard(record), record);
        if (card.ScoreOutput is null || card.LabelOutput is null
            || !card.Parameters.TryGetValue(CardParameter, out var served) || served != MixtureDraw)
        {
            return;
        }

        context.AdditionalOutputs.Add(card.ScoreOutput);
        context.Items[Item] = card;
    }

    public override void OnOutputs(InferenceContext context)
    {
        if (!context.TryGetItem(Item, out var item) || item is not ModelCard card || context.Outputs is null)
        {
            return;
        }

        Draw(context, context.Outputs, card);
    }

    // Apart from OnOutputs, so that the closures below are allocated only for a model that draws its label.
    private static void Draw(InferenceContext context, NamedTensor[] current, ModelCard card)
    {
        var labelIndex = Array.FindIndex(current, o => o.Name == card.LabelOutput);
        var score = current.FirstOrDefault(o => o.Name == card.ScoreOutput);
        if (labelIndex < 0 || score is null)
        {
            return;
        }

        var label = current[labelIndex];
        var random = new Random(GroupThresholdInterceptor.SeedFor(context.Id));
        var rows = label.Data.Length;
        var decisions = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            decisions[i] = random.NextDouble() < score.GetDouble(i);
        }

        if (label.Datatype != TensorDatatype.Bool)
        {
            throw new WardenException(409, $"a mixture label is drawn as BOOL; '{context.Model}' has a {label.Datatype} label output");
        }

        var outputs = (NamedTensor[])current.Clone();
        outputs[labelIndex] = label with { Data = decisions };
        context.Outputs = outputs;
        context.ResponseParameters["mixture_draw"] = true;
    }
}
