using Warden.Core.Pipelines.Expressions;

namespace Warden.Core.Review;

/// <summary>
/// The <c>review-policy</c> settings document of a model: which predictions a human reviews (any trigger fires), whether
/// the caller waits for the human (<c>hold</c>: 202 and a review id) or gets the model's answer marked as under review
/// (<c>advise</c>), and how many reviewers must agree.
/// </summary>
public sealed class ReviewPolicy
{
    /// <summary>Settings kind name.</summary>
    public const string Kind = "review-policy";

    /// <summary><c>hold</c> or <c>advise</c> (default).</summary>
    public string Mode { get; set; } = ReviewModes.Advise;

    /// <summary>Review when the top-class probability is below τ (e.g. 0.7).</summary>
    public double? MinConfidence { get; set; }

    /// <summary>Review when the difference between the two most likely classes is below δ.</summary>
    public double? MinMargin { get; set; }

    /// <summary>Review when this rule expression is true; it reads the inputs, <c>score</c>, <c>confidence</c>, <c>margin</c> and <c>sensitive.*</c>.</summary>
    public string? Rule { get; set; }

    /// <summary>Review inputs outside the background sample's range (min/max per feature).</summary>
    public bool OutOfRange { get; set; }

    /// <summary>Review inputs whose |z-score| against the background sample exceeds this.</summary>
    public double? MaxZScore { get; set; }

    /// <summary>Fraction (0–1) of the remaining predictions sampled for audit review.</summary>
    public double AuditRate { get; set; }

    /// <summary>Seed of the audit sample; the same seed and request id always give the same decision.</summary>
    public long AuditSeed { get; set; } = 1;

    /// <summary>k: reviewers who must agree on a label before it is final.</summary>
    public int ReviewersRequired { get; set; } = 1;

    /// <summary>n: most reviewers asked before an item without k agreeing votes escalates (default 2k − 1).</summary>
    public int? MaxReviewers { get; set; }

    /// <summary>Minutes until an undecided item escalates.</summary>
    public double DeadlineMinutes { get; set; } = 60;

    /// <summary>Minutes a claim locks an item for its reviewer.</summary>
    public double ClaimMinutes { get; set; } = 15;

    /// <summary>Labels a reviewer may give (any when empty).</summary>
    public List<string> Labels { get; set; } = [];

    /// <summary>
    /// What a held caller gets when the deadline passes undecided: <c>refuse</c> (default), <c>model</c> (the model's answer)
    /// or <c>default</c> (<see cref="DefaultDecision"/>). An advised caller already has the model's answer.
    /// </summary>
    public string DeadlineAnswer { get; set; } = ReviewDeadlineAnswers.Refuse;

    /// <summary>The decision a held caller gets at the deadline with <c>deadlineAnswer: default</c> (an outcome label, e.g. <c>no</c>).</summary>
    public string? DefaultDecision { get; set; }

    /// <summary>Who escalated items go to (a team, a key id or an address): named in the item, the <c>review.escalated</c> event and the audit entry.</summary>
    public string? EscalateTo { get; set; }

    /// <summary>
    /// Reviewer label → outcome label stored as feedback (e.g. <c>approve → yes</c>, <c>deny → no</c>): reviewers and the
    /// outcome data use different vocabularies. Empty: the reviewer's label is stored as given. When set, every allowed
    /// label needs a mapping, and without <see cref="Labels"/> the mapped labels are the allowed ones.
    /// </summary>
    public Dictionary<string, string> LabelMap { get; set; } = [];

    /// <summary>Labels reviewers may give: <see cref="Labels"/>, else the keys of <see cref="LabelMap"/>, else any.</summary>
    public IReadOnlyList<string> EffectiveLabels => Labels.Count > 0 ? Labels : [.. LabelMap.Keys.Order(StringComparer.Ordinal)];

    /// <summary><c>least-loaded</c> (default) or <c>round-robin</c>.</summary>
    public string Assignment { get; set; } = "least-loaded";

    /// <summary>Output read as the score; the card's score output (else <c>probability</c>) when null.</summary>
    public string? ScoreOutput { get; set; }

    /// <summary>n resolved.</summary>
    public int EffectiveMaxReviewers => MaxReviewers ?? ((2 * ReviewersRequired) - 1);

    /// <summary>
    /// Every problem in the document; with <paramref name="inputs"/> (the inputs of the model it is attached to), also every
    /// identifier of the rule that no request can supply.
    /// </summary>
    public IReadOnlyList<string> Validate(IReadOnlySet<string>? inputs = null)
    {
        var problems = new List<string>();
        if (Mode is not (ReviewModes.Hold or ReviewModes.Advise))
        {
            problems.Add($"mode: '{Mode}' is not 'hold' or 'advise'");
        }

        if (MinConfidence is < 0 or > 1)
        {
            problems.Add("minConfidence: must be between 0 and 1");
        }

        if (MinMargin is < 0 or > 1)
        {
            problems.Add("minMargin: must be between 0 and 1");
        }

        if (MaxZScore is <= 0)
        {
            problems.Add("maxZScore: must be positive");
        }

        if (AuditRate is < 0 or > 1 || double.IsNaN(AuditRate))
        {
            problems.Add("auditRate: must be between 0 and 1");
        }

        if (ReviewersRequired is < 1 or > 20)
        {
            problems.Add("reviewersRequired: must be between 1 and 20");
        }

        if (MaxReviewers is { } n && (n < ReviewersRequired || n > 50))
        {
            problems.Add("maxReviewers: must be at least reviewersRequired and at most 50");
        }

        if (!(DeadlineMinutes > 0))
        {
            problems.Add("deadlineMinutes: must be positive");
        }

        if (!(ClaimMinutes > 0))
        {
            problems.Add("claimMinutes: must be positive");
        }

        if (Assignment is not ("least-loaded" or "round-robin"))
        {
            problems.Add($"assignment: '{Assignment}' is not 'least-loaded' or 'round-robin'");
        }

        if (DeadlineAnswer is not (ReviewDeadlineAnswers.Refuse or ReviewDeadlineAnswers.Model or ReviewDeadlineAnswers.Default))
        {
            problems.Add($"deadlineAnswer: '{DeadlineAnswer}' is not 'refuse', 'model' or 'default'");
        }
        else if (DeadlineAnswer == ReviewDeadlineAnswers.Default && string.IsNullOrWhiteSpace(DefaultDecision))
        {
            problems.Add("defaultDecision: is required when deadlineAnswer is 'default'");
        }

        if (EscalateTo is not null && (string.IsNullOrWhiteSpace(EscalateTo) || EscalateTo.Length > 200))
        {
            problems.Add("escalateTo: must name a target of 1 to 200 characters");
        }

        if (LabelMap.Any(pair => string.IsNullOrWhiteSpace(pair.Key) || string.IsNullOrWhiteSpace(pair.Value)))
        {
            problems.Add("labelMap: reviewer and outcome labels must not be empty");
        }

        if (LabelMap.Count > 0 && Labels.Where(label => !LabelMap.ContainsKey(label)).ToList() is { Count: > 0 } unmapped)
        {
            problems.Add($"labelMap: no outcome label for {string.Join(", ", unmapped.Select(l => $"'{l}'"))}");
        }

        if (Rule is not null)
        {
            problems.AddRange(RuleSchema.Validate(Rule).Select(e => "rule: " + e.Message));
            if (inputs is not null)
            {
                problems.AddRange(RuleSchema.UnknownIdentifiers(Rule, inputs).Select(name => "rule: " + RuleSchema.UnknownIdentifierProblem(name, inputs)));
            }
        }

        if (MinConfidence is null && MinMargin is null && Rule is null && !OutOfRange && MaxZScore is null && AuditRate == 0)
        {
            problems.Add("no trigger: set minConfidence, minMargin, rule, outOfRange, maxZScore or auditRate");
        }

        return problems;
    }
}
