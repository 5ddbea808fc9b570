namespace Warden.Training.Mitigation;

/// <summary>
/// Settings of <see cref="AdversarialDebiasing"/>. Defaults follow AIF360's <c>AdversarialDebiasing</c> (adversary weight 0.1,
/// 50 epochs of mini-batches of 128, Adam with a rate decayed ×0.96 every 1,000 steps) except where a linear predictor needs
/// otherwise (a larger starting rate, a minimum number of steps, pre-training; see docs/fairness.md).
/// </summary>
public sealed record AdversarialOptions
{
    /// <summary>Epochs of each phase (AIF360: <c>num_epochs</c> = 50).</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Rows per mini-batch (AIF360: <c>batch_size</c> = 128); the last partial batch of an epoch is dropped, as there.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Each phase runs at least this many steps, adding epochs on small data (534 rows are only 4 batches an epoch).</summary>
    public int MinimumSteps { get; init; } = 1000;

    /// <summary>Starting Adam rate η₀; step t uses η₀·0.96^⌊t/1000⌋ (AIF360's exponential decay, staircase; AIF360 starts at 0.001 for its 200-unit network).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Adversary weight α in ∇L_P − proj_{∇L_A}∇L_P − α∇L_A (AIF360: <c>adversary_loss_weight</c> = 0.1).</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>
    /// When set, <see cref="Alpha"/> is not used as given: <see cref="AdversaryWeightSearch"/> picks the smallest weight of
    /// <see cref="AlphaGrid"/> whose pooled out-of-fold disparity over <see cref="InnerFolds"/> inner folds of the training rows
    /// (DP or EO difference, the constraint's own) is at most this target, or the least disparate one if none is
    /// (CLI <c>--adversary-weight auto --adversary-target 0.02</c>). Null = AIF360's fixed weight.
    /// </summary>
    public double? Target { get; init; }

    /// <summary>Adversary weights tried by the search, in increasing order (the first is AIF360's default).</summary>
    public IReadOnlyList<double> AlphaGrid { get; init; } = [0.1, 0.3, 1, 3, 10, 30];

    /// <summary>Stratified inner folds of the search.</summary>
    public int InnerFolds { get; init; } = 3;

    /// <summary>
    /// Before the joint phase, train the predictor alone and then the adversary against the fixed predictor (one phase each),
    /// so the joint phase starts from a useful classifier and an informed adversary. Off = AIF360's cold start.
    /// </summary>
    public bool Pretrain { get; init; } = true;

    /// <summary>
    /// Share of the joint phase's last epochs whose predictor iterates are averaged into the returned predictor (Polyak
    /// averaging); 0 = the last iterate, as AIF360. The joint phase is a two-player game whose last iterate oscillates (HMDA,
    /// α 10: in-sample DP difference 0.006 to 0.024 across five folds); the average of the tail is steadier.
    /// </summary>
    public double AverageTail { get; init; }

    /// <summary>
    /// When set, the joint phase's rate is η₀/(1 + t/τ) with τ = this many steps and t the joint phase's own step (inverse-time
    /// decay, the 1/t schedule Zhang, Lemoine &amp; Mitchell suggest for convergence) instead of AIF360's staircase. The staircase
    /// barely decays within the few thousand steps a small data set gives (×0.885 after 3,000), so the two-player game's last
    /// iterate is wherever its oscillation happens to be; a rate falling to 1/11 of η₀ by t = 10τ lets it settle
    /// (CLI <c>--adversary-decay</c>; null = AIF360's staircase in every phase).
    /// </summary>
    public double? DecaySteps { get; init; }

    /// <summary>
    /// Hidden ReLU units of the predictor: 0 = one logistic unit (exported as one MatMul), H &gt; 0 = AIF360's classifier shape,
    /// one hidden layer of H units then a logistic unit (AIF360: <c>classifier_num_hidden_units</c> = 200), exported as
    /// MatMul, Add, Relu, MatMul, Add, Sigmoid (CLI <c>--hidden-units</c>).
    /// </summary>
    public int HiddenUnits { get; init; }

    /// <summary>
    /// Hidden ReLU units of the adversary: 0 = AIF360's one logistic unit on [s] (or [s, s·y, s·(1 − y)] for equalized odds),
    /// K &gt; 0 = one hidden layer of K units on the same inputs, then a logistic unit (Fairlearn's
    /// <c>AdversarialFairnessClassifier</c> takes any adversary network). A logistic adversary is beaten once the groups'
    /// mean soft scores are equal; a hidden layer can also see differences in the shape of the score distributions, e.g. in
    /// the share above the decision threshold (CLI <c>--adversary-hidden-units</c>).
    /// </summary>
    public int AdversaryHiddenUnits { get; init; }

    /// <summary>Probability of keeping a hidden unit in a training step (inverted dropout; AIF360: keep_prob 0.8); 1 = no dropout.</summary>
    public double DropoutKeep { get; init; } = 0.8;

    /// <summary>
    /// Weight decay λ: L_P gains (λ/2)·Σ w² over the predictor's weights (the logistic unit's, or both layers' of the network;
    /// no bias is penalised), so its gradient gains λ·w before the projection (AIF360: none). A network that can reproduce its
    /// training labels (200 units on CPS 1985: in-sample accuracy 0.93, out of fold 0.66) meets any in-sample EO target by
    /// memorising; the penalty limits how far it can (CLI <c>--weight-decay</c>; 0 = none).
    /// </summary>
    public double L2 { get; init; }

    /// <summary>
    /// Early stopping: 0 = off (the joint phase's last iterate, or its average). K ≥ 2 = hold out one of K folds of the rows
    /// (stratified by label and protected attribute), fit on the others, score the predictor on the held-out rows after every
    /// joint-phase epoch and return the epoch's predictor with the highest held-out accuracy among those whose held-out
    /// disparity (the constraint's, between a = 0 and a = 1) is at most <see cref="StoppingTarget"/>, or the least disparate
    /// one when none is (CLI <c>--early-stopping K</c>). The fit then learns from (K − 1)/K of the rows.
    /// </summary>
    public int EarlyStoppingFolds { get; init; }

    /// <summary>
    /// Which joint-phase predictor is returned: the last iterate (AIF360), or the epoch (and, optionally, the decision
    /// threshold) that is the most accurate on the training rows among those with disparity at most <see cref="StoppingTarget"/>
    /// there (CLI <c>--adversary-select last|epoch|epoch-threshold</c>). With <see cref="Target"/>, the weight search then keeps
    /// the weight whose selected predictor is the most accurate on the training rows, not the smallest adequate weight.
    /// </summary>
    public AdversarialSelection Selection { get; init; } = AdversarialSelection.Last;

    /// <summary>The held-out disparity an early-stopping epoch, or the training-row disparity a selected iterate, must reach (CLI: <c>--adversary-target</c>).</summary>
    public double StoppingTarget { get; init; } = 0.02;

    /// <summary>Seed of the initial weights and of the per-epoch shuffles.</summary>
    public int Seed { get; init; } = 42;
}
