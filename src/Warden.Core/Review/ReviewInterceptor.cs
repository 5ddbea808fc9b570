using System.Globalization;
using System.Runtime.CompilerServices;
using Warden.Core.Explanations;
using Warden.Core.Inference;
using Warden.Core.Pipelines.Expressions;
using Warden.Core.Predictions;
using Warden.Core.Registry;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Review;

/// <summary>
/// Sends predictions to human review when the model's <c>review-policy</c> says so (no policy: nothing happens). In
/// <c>hold</c> mode the caller gets 202 with <c>review_id</c> and no outputs (the prediction is still logged, so the
/// reviewer's label joins it); in <c>advise</c> mode the normal answer carries <c>pending_review: true</c> and <c>review_id</c>.
/// </summary>
public sealed class ReviewInterceptor : InferenceInterceptor
{
    private const string ItemKey = "review.item";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly ModelSettings _settings;
    private readonly ReviewQueue _queue;
    private readonly BackgroundStore _backgrounds;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<ReviewPolicy, CompiledExpression> _rules = [];

    public ReviewInterceptor(ModelSettings settings, ReviewQueue queue, BackgroundStore backgrounds, TimeProvider time)
    {
        _settings = settings;
        _queue = queue;
        _backgrounds = backgrounds;
        _time = time;
    }

    /// <summary>Runs after output policies so it sees the answer that would be sent.</summary>
    public override int Order => 100;

    public override void OnOutputs(InferenceContext context)
    {
        var requested = context.TryGetItem(ReviewRequest.ItemKey, out var raised) ? raised as ReviewRequest : null;
        var policy = _settings.Get<ReviewPolicy>(context.Model, ReviewPolicy.Kind)
            ?? (requested is null ? null : new ReviewPolicy { Mode = requested.Mode, ReviewersRequired = requested.ReviewersRequired });
        if (policy is not null)
        {
            Review(context, policy, requested);
        }
    }

    // Apart from OnOutputs, so that the closures below are allocated only for a model with a review policy (or a request
    // that asked for review), not for every answer.
    private void Review(InferenceContext context, ReviewPolicy policy, ReviewRequest? requested)
    {
        if (context.Inputs is null || context.Outputs is null || context.Record is null)
        {
            return;
        }

        var rows = context.Inputs.Length == 0 || context.Inputs[0].Shape.Length == 0 ? 1 : (int)Math.Max(1, context.Inputs[0].Shape[0]);
        var scoreName = policy.ScoreOutput ?? (context.Items.ContainsKey(Pipelines.PipelineInterceptor.ScoreKey) ? Pipelines.PipelineInterceptor.ScoreOutput : null)
            ?? ModelRegistry.ScoreOutputOf(context.Record);
        var score = context.Outputs.FirstOrDefault(o => o.Name == scoreName);
        var background = policy.OutOfRange || policy.MaxZScore is not null ? _backgrounds.Get(context.Model, context.Record.Version) : null;
        var reasons = new List<string>(requested?.Reasons ?? []);
        var firstRow = reasons.Count > 0 ? 0 : -1;
        double? firstScore = null;
        for (var r = 0; r < rows; r++)
        {
            var rowReasons = Evaluate(policy, context, r, rows, score, background, out var rowScore);
            if (requested is not null && r == 0)
            {
                firstScore = rowScore;
            }

            if (rowReasons.Count > 0)
            {
                reasons.AddRange(rows == 1 ? rowReasons : rowReasons.Select(reason => $"row {r}: {reason}"));
                if (firstRow < 0)
                {
                    firstRow = r;
                    firstScore = rowScore;
                }
            }
        }

        if (reasons.Count == 0 && ReviewTriggers.AuditSampled(policy.AuditSeed, context.Id, policy.AuditRate))
        {
            reasons.Add(string.Create(Invariant, $"random audit sample ({policy.AuditRate:P1})"));
            firstRow = 0;
        }

        if (reasons.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var item = new ReviewItem
        {
            Id = Guid.CreateVersion7(now).ToString(),
            Model = context.Model,
            Version = context.Record.Version,
            PredictionId = context.Id,
            RequesterKey = context.Call.Caller.Id,
            Mode = policy.Mode,
            Reasons = reasons,
            InputsJson = PredictionSerializer.Tensors(context.Inputs),
            OutputsJson = PredictionSerializer.Tensors(context.Outputs),
            Score = firstScore,
            CreatedAt = now,
            Deadline = now.AddMinutes(policy.DeadlineMinutes),
            ReviewersRequired = policy.ReviewersRequired,
            MaxReviewers = policy.EffectiveMaxReviewers,
            ClaimMinutes = policy.ClaimMinutes,
            Labels = policy.EffectiveLabels,
            DeadlineAnswer = policy.DeadlineAnswer,
            DefaultDecision = policy.DefaultDecision,
            EscalateTo = policy.EscalateTo,
            LabelMap = new Dictionary<string, string>(policy.LabelMap, StringComparer.Ordinal),
        };
        var row = SliceRow(context.Inputs, firstRow, rows);
        item = _queue.Create(item, policy, row is null ? null : new ExplanationRequest(item.Id, item.Model, item.Version, row));
        context.Items[ItemKey] = item;
        context.ResponseParameters["review_id"] = item.Id;
        if (policy.Mode == ReviewModes.Hold)
        {
            context.StatusCode = 202;
            context.ResponseParameters["review_status"] = ReviewStatus.Pending;
        }
        else
        {
            context.ResponseParameters["pending_review"] = true;
        }
    }

    public override void OnCompleted(InferenceContext context)
    {
        // The prediction was logged with the model's outputs (the reviewer's label joins it); a held answer withholds them.
        if (context.TryGetItem(ItemKey, out var value) && value is ReviewItem { Mode: ReviewModes.Hold })
        {
            context.Outputs = [];
        }
    }

    private List<string> Evaluate(ReviewPolicy policy, InferenceContext context, int row, int rows, NamedTensor? score, BackgroundSample? background, out double? rowScore)
    {
        var reasons = new List<string>();
        rowScore = null;
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var input in context.Inputs!)
        {
            if (input.Data.Length == rows && input.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool))
            {
                variables[input.Name] = input.GetAsWritten(row);
            }
        }

        if (context.Sensitive is not null)
        {
            foreach (var (name, value) in context.Sensitive)
            {
                variables["sensitive." + name] = value;
            }
        }

        if (score is not null && score.Datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool) && score.Data.Length % rows == 0)
        {
            var perRow = score.Data.Length / rows;
            var values = Enumerable.Range(row * perRow, perRow).Select(score.GetDouble).ToArray();
            var (confidence, margin) = ReviewTriggers.ConfidenceAndMargin(ReviewTriggers.Probabilities(values));
            rowScore = values[^1];
            variables["score"] = values[^1];
            variables["confidence"] = confidence;
            variables["margin"] = margin;
            if (policy.MinConfidence is { } tau && confidence < tau)
            {
                reasons.Add(string.Create(Invariant, $"confidence {confidence:F3} < {tau:G6}"));
            }

            if (policy.MinMargin is { } delta && margin < delta)
            {
                reasons.Add(string.Create(Invariant, $"margin {margin:F3} < {delta:G6}"));
            }
        }

        if (policy.Rule is not null)
        {
            try
            {
                var rule = _rules.GetValue(policy, p => RuleSchema.Compile(p.Rule!));
                if (rule.EvaluateBoolean(variables))
                {
                    reasons.Add($"rule '{policy.Rule}' flagged it");
                }
            }
            catch (ExpressionException ex)
            {
                // A rule that cannot be evaluated on this request must not let it through unreviewed.
                reasons.Add($"rule '{policy.Rule}' could not be evaluated: {ex.Error.Message}");
            }
        }

        if (background is not null)
        {
            reasons.AddRange(ReviewTriggers.OutOfDistribution(policy, variables, background));
        }

        return reasons;
    }

    private static NamedTensor[]? SliceRow(NamedTensor[] inputs, int row, int rows)
    {
        if (row < 0)
        {
            return null;
        }

        var result = new NamedTensor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            if (input.Data.Length != rows)
            {
                return null;
            }

            var data = Array.CreateInstance(input.Data.GetType().GetElementType()!, 1);
            Array.Copy(input.Data, row, data, 0, 1);
            var shape = (long[])input.Shape.Clone();
            shape[0] = 1;
            result[i] = input with { Shape = shape, Data = data };
        }

        return result;
    }
}
