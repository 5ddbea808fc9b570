using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Warden.Contracts.Registry;
using Warden.Core.Fairness;
using Warden.Training.Tabular;

namespace Warden.Training.Mitigation;

/// <summary>
/// Trains the credit-risk model with a bias mitigation on the HMDA data (label <c>deny</c>, sensitive attribute <c>afam</c>,
/// which is never a model input), compares it with the unmitigated model on the stratified hold-out, and writes a model
/// directory ready for <c>warden models deploy</c>: <c>model.onnx</c>, <c>card.json</c>, <c>background.csv</c>,
/// <c>mitigation.json</c>, <c>mitigation.md</c> and, for <see cref="MitigationMethod.Threshold"/>, <c>group-thresholds.json</c>.
/// </summary>
public static class MitigationTrainer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>CLI / card name of a method.</summary>
    public static string Name(MitigationMethod method) => method switch
    {
        MitigationMethod.None => "none",
        MitigationMethod.Reweighing => "reweighing",
        MitigationMethod.Resampling => "resampling",
        MitigationMethod.ExponentiatedGradient => "exponentiated-gradient",
        MitigationMethod.Adversarial => "adversarial",
        MitigationMethod.Threshold => "threshold",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>CLI name of a constraint.</summary>
    public static string Name(FairnessConstraint constraint) =>
        constraint == FairnessConstraint.DemographicParity ? "demographic-parity" : "equalized-odds";

    /// <summary>
    /// Loads <paramref name="dataPath"/> as <paramref name="spec"/> describes it, trains with <paramref name="method"/> against the
    /// first sensitive column and writes the model directory; with <paramref name="crossValidationFolds"/> ≥ 2 the report also
    /// carries out-of-fold metrics over all rows.
    /// </summary>
    public static MitigationResult TrainAndExport(string dataPath, string outDir, TabularSpec spec, MitigationMethod method, FairnessConstraint constraint,
        ExponentiatedGradientOptions? reduction = null, AdversarialOptions? adversarial = null, int crossValidationFolds = 0,
        string? privileged = null, string? testPath = null, ModelCard? template = null)
    {
        if (spec.Sensitive.Count == 0)
        {
            throw new InvalidDataException("--sensitive is required: name the column whose groups the mitigation protects.");
        }

        var all = TabularTable.Load(dataPath, spec);
        TabularTable train, test;
        string testSource;
        if (testPath is not null)
        {
            (train, test) = (all, TabularTable.LoadLike(testPath, spec, all));
            testSource = "test file " + Path.GetFileName(testPath);
        }
        else
        {
            var (trainRows, testRows) = StratifiedSplit.Split(Enumerable.Range(0, all.RowCount).ToArray(), i => all.Labels[i], spec.Holdout, spec.Seed);
            (train, test) = (all.Rows(trainRows), all.Rows(testRows));
            testSource = FormattableString.Invariant($"stratified hold-out of {spec.Holdout:0.###} of each class (seed {spec.Seed})");
        }

        var encoder = TabularEncoder.Fit(train);
        var attribute = spec.Sensitive[0];
        MitigationData Data(TabularTable t) => new(encoder.Encode(t), t.Labels, t.Sensitive[attribute], attribute);
        var trainData = Data(train);
        var testData = Data(test);
        var run = Run(trainData, testData, method, constraint, spec.Seed, reduction, adversarial, crossValidationFolds, privileged,
            testPath is null ? Data(all) : null);
        run = run with { Report = run.Report with { PositiveClass = $"{spec.Label} = {spec.Positive}", Attribute = attribute } };

        Directory.CreateDirectory(outDir);
        var dataSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(dataPath)));
        var inv = CultureInfo.InvariantCulture;
        var name = Name(method);
        var modelPath = Path.Combine(outDir, "model.onnx");
        var editor = run.Fitted.ExportOnnx(encoder.Columns)
            .SetMetadata("warden.name", spec.Name)
            .SetMetadata("warden.score_output", CreditRiskTrainer.ScoreOutput)
            .SetMetadata("warden.label_output", CreditRiskTrainer.LabelOutput)
            .SetMetadata("warden.training_seed", spec.Seed.ToString(inv))
            .SetMetadata("warden.training_data_sha256", dataSha256)
            .SetMetadata("warden.mitigation", name);
        if (run.Fitted.Reduction is not null)
        {
            // The server draws the served label from the mixture, seeded by the request id (see docs/fairness.md).
            editor.SetMetadata("warden.randomized_label", CreditRiskTrainer.ScoreOutput);
        }

        editor.Save(modelPath);

        // The card of the unmitigated learner on the same split (data facts, per-group metrics), then the mitigation's own facts.
        var reference = TabularTrainer.Train(train, test, spec with { Trainer = TabularTrainerKind.Logistic }, testSource);
        var card = TabularCard.Create(reference, reference.Evaluate(), Path.GetFileName(dataPath), dataSha256, template);
        MitigationCard.Apply(card, run.Report, method, attribute, spec.Label);
        var cardPath = Path.Combine(outDir, "card.json");
        File.WriteAllText(cardPath, JsonSerializer.Serialize(card, Json) + "\n");
        var backgroundPath = Path.Combine(outDir, "background.csv");
        File.WriteAllText(backgroundPath, TabularExport.BackgroundCsv(train, encoder, spec.Seed));
        File.WriteAllText(Path.Combine(outDir, "reference.csv"), TabularExport.ReferenceCsv(train, encoder, spec.Label));

        string? thresholdsPath = null;
        if (run.Fitted.Thresholds is { } thresholds)
        {
            thresholdsPath = Path.Combine(outDir, GroupThresholdsDocument.FileName);
            File.WriteAllText(thresholdsPath, new GroupThresholdsDocument(attribute, CreditRiskTrainer.ScoreOutput, thresholds).ToJson() + "\n");
        }

        var reportPath = Path.Combine(outDir, "mitigation.json");
        File.WriteAllText(reportPath, JsonSerializer.Serialize(run.Report, Json) + "\n");
        var markdownPath = Path.Combine(outDir, "mitigation.md");
        File.WriteAllText(markdownPath, MitigationMarkdown.Render(run.Report));
        return new MitigationResult(modelPath, cardPath, backgroundPath, reportPath, markdownPath, thresholdsPath, run.Report);
    }

    /// <summary>Trains baseline and mitigated model on the stratified split of <paramref name="rows"/> and evaluates both on the hold-out.</summary>
    internal static MitigationRun Run(IReadOnlyList<HmdaApplication> rows, MitigationMethod method, FairnessConstraint constraint, int seed,
        ExponentiatedGradientOptions? reductionOptions = null, AdversarialOptions? adversarialOptions = null, int crossValidationFolds = 0)
    {
        var (train, holdout) = StratifiedSplit.Split(rows, r => r.Deny, CreditRiskTrainer.HoldoutFraction, seed);
        return Run(MitigationData.FromHmda(train), MitigationData.FromHmda(holdout), method, constraint, seed, reductionOptions, adversarialOptions, crossValidationFolds,
            all: MitigationData.FromHmda(rows));
    }

    /// <summary>
    /// Trains baseline and mitigated model on <paramref name="train"/> and evaluates both on <paramref name="holdout"/>; the
    /// cross-validation deals folds over <paramref name="all"/> (file order) or, without it, training then hold-out rows.
    /// </summary>
    internal static MitigationRun Run(MitigationData train, MitigationData holdout, MitigationMethod method, FairnessConstraint constraint, int seed,
        ExponentiatedGradientOptions? reductionOptions = null, AdversarialOptions? adversarialOptions = null, int crossValidationFolds = 0,
        string? privileged = null, MitigationData? all = null)
    {
        var fitted = Fit(train, method, constraint, seed, reductionOptions, adversarialOptions, privileged);
        var (before, after, served) = Score([fitted], [holdout]);
        var training = Score([fitted], [train]).After;
        IReadOnlyList<MitigationMetrics>? crossValidated = null;
        IReadOnlyList<MitigationMetrics>? crossValidatedTraining = null;
        if (crossValidationFolds >= 2)
        {
            var rows = all ?? new MitigationData([.. train.Features, .. holdout.Features], [.. train.Labels, .. holdout.Labels], [.. train.Groups, .. holdout.Groups], train.Attribute);
            var folds = StratifiedFolds(rows.Labels, crossValidationFolds, seed);
            var foldTraining = folds.Select(f => rows.Rows(Enumerable.Range(0, rows.Count).Where(i => !f.Contains(i)))).ToList();
            var models = foldTraining.Select(t => Fit(t, method, constraint, seed, reductionOptions, adversarialOptions, privileged)).ToList();
            crossValidatedTraining = models.Select((m, k) => Score([m], [foldTraining[k]]).After).ToList();
            var (cvBefore, cvAfter, cvServed) = Score(models, folds.Select(f => rows.Rows(f.Order())).ToList());
            crossValidated = cvServed is null ? [cvBefore, cvAfter] : [cvBefore, cvAfter, cvServed];
        }

        var report = new MitigationReport
        {
            Mitigation = Name(method),
            Constraint = Name(constraint),
            Seed = seed,
            TrainRows = train.Count,
            HoldoutRows = holdout.Count,
            Before = before,
            After = after,
            Training = training,
            Served = served,
            CrossValidationFolds = crossValidated is null ? 0 : crossValidationFolds,
            CrossValidated = crossValidated,
            CrossValidatedTraining = crossValidatedTraining,
            Details = fitted.Details,
        };
        return new MitigationRun(train, holdout, fitted, report);
    }

    /// <summary>Fits the unmitigated and the mitigated classifier on HMDA rows.</summary>
    internal static FittedMitigation Fit(IReadOnlyList<HmdaApplication> train, MitigationMethod method, FairnessConstraint constraint, int seed,
        ExponentiatedGradientOptions? reductionOptions = null, AdversarialOptions? adversarialOptions = null) =>
        Fit(MitigationData.FromHmda(train), method, constraint, seed, reductionOptions, adversarialOptions);

    /// <summary>Fits the unmitigated and the mitigated classifier on <paramref name="train"/>.</summary>
    internal static FittedMitigation Fit(MitigationData train, MitigationMethod method, FairnessConstraint constraint, int seed,
        ExponentiatedGradientOptions? reductionOptions = null, AdversarialOptions? adversarialOptions = null, string? privileged = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var attribute = train.Attribute;
        var scaler = FeatureScaler.Fit(train.Features);
        var x = scaler.Transform(train.Features);
        var y = train.Labels;
        var y01 = y.Select(v => v ? (byte)1 : (byte)0).ToArray();
        var groups = train.Groups;
        var values = groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var learner = new WeightedLogisticLearner(seed);
        var baseline = learner.Fit(x, y);
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        IBinaryClassifier? single = null;
        GroupThresholds? thresholds = null;
        ExponentiatedGradientResult? reduction = null;
        switch (method)
        {
            case MitigationMethod.None:
                single = baseline;
                break;
            case MitigationMethod.Reweighing:
            {
                var fit = Reweighing.Fit(FairnessDataset.Create(y01, y01, [new(attribute, groups)]));
                foreach (var f in fit.Factors)
                {
                    details[$"weight {f.Group}, label={(f.Label == 1 ? "positive" : "negative")}"] = f.Factor?.ToString("0.0000", inv) ?? "n/a";
                }

                single = learner.Fit(x, y, fit.Weights);
                break;
            }

            case MitigationMethod.Resampling:
            {
                var indices = GroupBalancedResampler.Resample(
                    FairnessDataset.Create(y01, y01, [new(attribute, groups)]), BalanceMode.GroupAndLabel, unchecked((ulong)seed));
                details["resampled rows"] = indices.Length.ToString(inv);
                details["distinct rows drawn"] = indices.Distinct().Count().ToString(inv);
                single = learner.Fit(indices.Select(i => x[i]).ToArray(), indices.Select(i => y[i]).ToArray());
                break;
            }

            case MitigationMethod.Adversarial:
            {
                // The adversary predicts one binary attribute: "not the privileged value" (or, for two values, the later one).
                var reference = privileged ?? (values.Length == 2 ? values[0]
                    : throw new InvalidDataException($"'{attribute}' has {values.Length} values; adversarial debiasing needs --privileged {attribute}=VALUE."));
                if (!values.Contains(reference))
                {
                    throw new InvalidDataException($"--privileged value '{reference}' does not occur in '{attribute}' (values: {string.Join(", ", values)}).");
                }

                var options = (adversarialOptions ?? new AdversarialOptions()) with { Seed = adversarialOptions?.Seed ?? seed };
                var a = groups.Select(v => v == reference ? (byte)0 : (byte)1).ToArray();
                if (options.Target is { } target)
                {
                    var (alpha, trials) = AdversaryWeightSearch.Choose(x, y01, a, groups, constraint, options);
                    details["adversary weight search"] = options.Selection == AdversarialSelection.Last
                        ? FormattableString.Invariant(
                            $"smallest alpha whose pooled {options.InnerFolds}-fold inner out-of-fold and in-sample {Name(constraint)} differences are <= {target:R}")
                        : FormattableString.Invariant(
                            $"the alpha, of those whose pooled {options.InnerFolds}-fold inner out-of-fold and in-sample {Name(constraint)} differences are <= {target:R}, whose selected predictor is the most accurate on the training rows");
                    details["adversary weight search trials"] = AdversaryWeightSearch.Describe(trials);
                    options = options with { Alpha = alpha };
                }

                var (predictor, adversary, steps, stopping, selected) = AdversarialDebiasing.Fit(x, y01, a, constraint, options);
                single = predictor;
                details["protected (a = 1)"] = $"{attribute} != {reference}";
                details["adversary weight (alpha)"] = options.Alpha.ToString("R", inv);
                details["epochs per phase (at least)"] = options.Epochs.ToString(inv);
                details["batch size"] = options.BatchSize.ToString(inv);
                details["learning rate"] = options.DecaySteps is { } tau
                    ? FormattableString.Invariant($"Adam, {options.LearningRate:R} x 0.96^floor(step/1000) before the joint phase, {options.LearningRate:R}/(1 + t/{tau:R}) in it")
                    : FormattableString.Invariant($"Adam, {options.LearningRate:R} x 0.96^floor(step/1000)");
                details["predictor"] = options.HiddenUnits > 0
                    ? FormattableString.Invariant($"one hidden layer of {options.HiddenUnits} ReLU units (dropout keep {options.DropoutKeep:R} in training), logistic output")
                    : "logistic (no hidden layer)";
                details["adversary"] = options.AdversaryHiddenUnits > 0
                    ? FormattableString.Invariant($"one hidden layer of {options.AdversaryHiddenUnits} ReLU units, logistic output")
                    : "logistic (AIF360's)";
                details["phases"] = options.Pretrain ? "predictor, adversary, joint" : "joint";
                details["steps"] = steps.ToString(inv);
                details["averaged tail of the joint phase"] = options.AverageTail > 0 ? options.AverageTail.ToString("R", inv) : "none (last iterate)";
                details["weight decay (L2 on the predictor's weights)"] = options.L2.ToString("R", inv);
                details["early stopping"] = stopping is null ? "off"
                    : FormattableString.Invariant($"joint-phase epoch {stopping.Epoch + 1} of {stopping.Trace.Count}: the most accurate on {stopping.HeldOutRows} held-out rows (1 of {options.EarlyStoppingFolds} folds) whose {Name(constraint)} difference is <= {options.StoppingTarget:R}, else the least disparate; held-out accuracy {stopping.Trace[stopping.Epoch].Accuracy:0.0000}, difference {stopping.Trace[stopping.Epoch].Disparity:0.0000}");
                details["iterate selection"] = selected is null ? "off (the joint phase's last iterate)"
                    : FormattableString.Invariant($"joint-phase epoch {selected.Epoch + 1} of {selected.Trace.Count}: the most accurate on the {selected.Rows} training rows whose {Name(constraint)} difference there is <= {options.StoppingTarget:R}, else the least disparate; decision threshold on the logit {selected.Threshold:0.0000} ({(options.Selection == AdversarialSelection.EpochAndThreshold ? "chosen per epoch, one for every row" : "fixed")}); training accuracy {selected.Trace[selected.Epoch].Accuracy:0.0000}, difference {selected.Trace[selected.Epoch].Disparity:0.0000}");
                details["adversary weights (u..., c, e)"] = string.Join(", ", adversary.Select(v => v.ToString("0.0000", inv)));
                break;
            }

            case MitigationMethod.ExponentiatedGradient:
            {
                var options = reductionOptions ?? new ExponentiatedGradientOptions();
                var codes = groups.Select(v => Array.IndexOf(values, v)).ToArray();
                reduction = new ExponentiatedGradient(x, y01, codes, constraint, options.Epsilon, (xs, labels, weights) => learner.Fit(xs, labels, weights))
                    .Fit(options.MaxIterations, options.Eta0);
                details["epsilon"] = options.Epsilon.ToString("R", inv);
                details["eta0"] = options.Eta0.ToString("R", inv);
                details["max iterations"] = options.MaxIterations.ToString(inv);
                details["iterations"] = reduction.Iterations.ToString(inv);
                details["best iteration"] = reduction.BestIteration.ToString(inv);
                details["nu"] = reduction.Nu.ToString("0.000000", inv);
                details["duality gap"] = reduction.Gap.ToString("0.000000", inv);
                details["converged (gap < nu)"] = reduction.Gap < reduction.Nu ? "yes" : "no";
                details["classifiers"] = reduction.Classifiers.Count.ToString(inv);
                details["mixture weights"] = string.Join(", ", reduction.Weights.Select(w => w.ToString("0.0000", inv)));
                details["classifier training errors"] = string.Join(", ", reduction.Errors.Select(w => w.ToString("0.0000", inv)));
                details["classifier training violations"] = string.Join(", ", reduction.Violations.Select(w => w.ToString("0.0000", inv)));
                if (options.Serve == ReductionServing.Best)
                {
                    // One deterministic classifier instead of the randomised mixture (see docs/fairness.md).
                    var best = reduction.BestSingle(options.Epsilon);
                    details["served"] = "best single classifier";
                    details["best classifier"] = best.ToString(inv);
                    details["best classifier meets the constraint (|gamma| <= epsilon)"] =
                        reduction.Violations[best] <= options.Epsilon + 1e-12 ? "yes" : "no (the least violating one)";
                    single = reduction.Classifiers[best];
                    reduction = null;
                }
                else
                {
                    details["served"] = "mixture";
                }

                break;
            }

            case MitigationMethod.Threshold:
            {
                var scores = x.Select(r => baseline.Probability(r)).ToArray();
                thresholds = ThresholdOptimizer.Fit(
                    FairnessDataset.FromScores(y01, scores, 0.5, [new(attribute, groups)]), constraint).Thresholds;
                foreach (var (group, rule) in thresholds.Rules)
                {
                    details["rule " + group] = string.Create(inv,
                        $"threshold0 {rule.Threshold0:0.0000}, threshold1 {rule.Threshold1:0.0000}, p0 {rule.P0:0.0000}, pIgnore {rule.PIgnore:0.0000}, constant {rule.PredictionConstant:0.0000}");
                }

                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }

        return new FittedMitigation(scaler, baseline, single, thresholds, reduction, details, attribute);
    }

    /// <summary>Metrics of the baseline, the mitigated classifier and (for a reduction) the served rule, each model scored on its own rows.</summary>
    private static (MitigationMetrics Before, MitigationMetrics After, MitigationMetrics? Served) Score(
        IReadOnlyList<FittedMitigation> models, IReadOnlyList<MitigationData> rows)
    {
        var labels = rows.SelectMany(r => r.Labels).ToArray();
        var groups = rows.SelectMany(r => r.Groups).ToArray();
        var attribute = rows[0].Attribute;
        var baselineP = new List<double>();
        var baselineScore = new List<double>();
        var p = new List<double>();
        var score = new List<double>();
        for (var m = 0; m < models.Count; m++)
        {
            var model = models[m];
            for (var i = 0; i < rows[m].Count; i++)
            {
                var x = model.Scaler.Transform(rows[m].Features[i]);
                baselineP.Add(model.Baseline.Decide(x) ? 1 : 0);
                baselineScore.Add(model.Baseline.Probability(x));
                var (pi, si) = model.Predict(x, rows[m].Groups[i]);
                p.Add(pi);
                score.Add(si);
            }
        }

        var before = MitigationEvaluator.Evaluate(labels, groups, baselineP, baselineScore, attribute);
        var after = MitigationEvaluator.Evaluate(labels, groups, p, score, attribute);
        var served = models[0].Reduction is null ? null
            : MitigationEvaluator.Evaluate(labels, groups, p.Select(v => v > 0.5 ? 1.0 : 0.0).ToArray(), score, attribute);
        return (before, after, served);
    }

    /// <summary>Row indices of <paramref name="k"/> folds, stratified by label: each class shuffled with the seed and dealt round-robin.</summary>
    internal static IReadOnlyList<HashSet<int>> StratifiedFolds(IReadOnlyList<bool> labels, int k, int seed) =>
        StratifiedFolds(labels.Select(v => v ? 1 : 0).ToArray(), k, seed);

    /// <summary>
    /// Row indices of <paramref name="k"/> folds, stratified by <paramref name="strata"/>: each stratum, in increasing order,
    /// shuffled with the seed and dealt round-robin (strata 0/1 = the label give the label-stratified folds above).
    /// </summary>
    internal static IReadOnlyList<HashSet<int>> StratifiedFolds(IReadOnlyList<int> strata, int k, int seed)
    {
        var folds = Enumerable.Range(0, k).Select(_ => new HashSet<int>()).ToArray();
        var shuffle = new SeededShuffle(seed);
        foreach (var stratum in strata.Distinct().Order())
        {
            var indices = Enumerable.Range(0, strata.Count).Where(i => strata[i] == stratum).ToArray();
            shuffle.Shuffle(indices);
            for (var j = 0; j < indices.Length; j++)
            {
                folds[j % k].Add(indices[j]);
            }
        }

        return folds;
    }

    private static MitigationMetrics Evaluate(bool[] labels, string[] groups, float[][] x, LinearClassifier model) =>
        MitigationEvaluator.Evaluate(labels, groups, x.Select(r => model.Decide(r) ? 1.0 : 0.0).ToArray(), x.Select(r => model.Probability(r)).ToArray());

    internal static string Group(HmdaApplication row) => row.Afam == 1f ? "yes" : "no";

    internal static string Key(string group) => HmdaDataset.SensitiveAttribute + "=" + group;
}
