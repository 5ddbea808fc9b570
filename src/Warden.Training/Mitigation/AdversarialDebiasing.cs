using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Adversarial debiasing of Zhang, Lemoine &amp; Mitchell (2018), "Mitigating Unwanted Biases with Adversarial Learning", AIES,
/// with the adversary and optimiser of AIF360's <c>AdversarialDebiasing</c>: a logistic predictor (or, with
/// <see cref="AdversarialOptions.HiddenUnits"/>, AIF360's one-hidden-layer ReLU classifier) and an adversary that predicts
/// the sensitive attribute from s = σ((1 + |c|)·z) of the predictor's logit z (and the label, for equalized odds). Per mini-batch
/// the predictor moves along ∇_θ L_P − (∇_θ L_P·ĝ)ĝ − α·∇_θ L_A with ĝ = ∇_θ L_A/(|∇_θ L_A| + tiny) (their eq. 1: no step helps
/// the adversary and each step hurts it), the adversary along ∇_φ L_A, both with Adam at η₀·0.96^⌊t/1000⌋.
/// Differences from AIF360, all because the default predictor here is linear (so it exports as one ONNX MatMul): features are
/// standardised inside the fit (the weights are mapped back), the starting rate is 0.01 instead of 0.001, each phase runs at
/// least <see cref="AdversarialOptions.MinimumSteps"/>, and by default the predictor and then the adversary are pre-trained
/// before the joint phase. With AIF360's rate and cold start the linear predictor learns too slowly and ends at the constant
/// classifier on Arrests (base rate 0.83). The projection is taken over the whole parameter vector θ (every weight and bias of
/// the predictor, hidden layer included), as in the paper;
/// AIF360 takes it per tensor, which for a single logistic unit would leave the intercept driven by the adversary alone.
/// Gradients are written by hand (<see cref="AdversarialGradients"/>); shuffles and initial weights come from the seed.
/// </summary>
internal static class AdversarialDebiasing
{
    public static (IBinaryClassifier Predictor, double[] Adversary, int Steps, AdversarialStopping? Stopping, SelectedIterate? Selected) Fit(
        IReadOnlyList<float[]> x, byte[] y, byte[] a, FairnessConstraint constraint, AdversarialOptions options)
    {
        var d = x[0].Length;
        var hidden = options.HiddenUnits;
        var (mean, std) = Moments(x);
        var standard = x.Select(r => Enumerable.Range(0, d).Select(j => (float)((r[j] - mean[j]) / std[j])).ToArray()).ToArray();
        var gradients = new AdversarialGradients(standard, y, a, constraint, options.L2, hidden, options.AdversaryHiddenUnits);
        var random = new SeededShuffle(options.Seed);
        double Unit() => (random.Next() >> 11) * (1.0 / (1UL << 53));
        double Uniform(double limit) => (Unit() - 0.5) * 2 * limit;

        // Glorot-uniform weights, zero biases, c = 1 (AIF360's initialisation; its hidden layer is d × H, its output H × 1).
        var theta = hidden == 0
            ? Enumerable.Range(0, d + 1).Select(j => j < d ? Uniform(Math.Sqrt(6.0 / (d + 1))) : 0).ToArray()
            : InitialNetwork(d, hidden, Uniform);

        var m = gradients.AdversaryInputs;
        var phi = options.AdversaryHiddenUnits == 0
            ? Enumerable.Range(0, m + 2).Select(q => q < m ? Uniform(Math.Sqrt(6.0 / (m + 1))) : q == m ? 1.0 : 0).ToArray()
            : InitialAdversary(m, options.AdversaryHiddenUnits, Uniform);
        var predictor = new AdamOptimizer(theta.Length);
        var adversary = new AdamOptimizer(phi.Length);

        var heldOut = HeldOutRows(y, a, options.EarlyStoppingFolds, options.Seed);
        var order = Enumerable.Range(0, y.Length).Where(i => !heldOut.Contains(i)).ToArray();
        var n = order.Length;
        var batch = Math.Min(options.BatchSize, n);
        var batches = n / batch;
        var epochs = Math.Max(options.Epochs, (options.MinimumSteps + batches - 1) / batches);
        var phases = options.Pretrain ? new[] { Phase.Predictor, Phase.Adversary, Phase.Joint } : [Phase.Joint];
        var dropout = hidden > 0 && options.DropoutKeep < 1 ? new double[batch * hidden] : null;
        var step = 0;
        var joint = 0;
        var average = new double[theta.Length];
        var averaged = 0;
        var averageFrom = FirstAveragedEpoch(epochs, options.AverageTail);
        var trace = new List<(double Accuracy, double Disparity)>();
        double[]? stopped = null;
        var selection = new List<DecisionThresholdScan.Point>();
        double[]? selected = null;
        // A copy: order is reshuffled in place every epoch, the selection's scores must stay aligned with these labels.
        var fitRows = order.ToArray();
        var fitY = fitRows.Select(i => y[i]).ToArray();
        var fitA = fitRows.Select(i => a[i]).ToArray();
        foreach (var phase in phases)
        {
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                random.Shuffle(order);
                for (var b = 0; b < batches; b++)
                {
                    var rows = new ArraySegment<int>(order, b * batch, batch);
                    if (dropout is not null)
                    {
                        // Inverted dropout as TensorFlow's: keep a unit with probability keep and scale it by 1/keep.
                        for (var q = 0; q < dropout.Length; q++)
                        {
                            dropout[q] = Unit() < options.DropoutKeep ? 1 / options.DropoutKeep : 0;
                        }
                    }

                    var (_, _, gp, ga, gphi) = gradients.Evaluate(theta, phi, rows, dropout);
                    var rate = Rate(options, step, phase == Phase.Joint ? joint++ : null);
                    step++;
                    if (phase != Phase.Adversary)
                    {
                        predictor.Step(theta, phase == Phase.Joint ? PredictorStep(gp, ga, options.Alpha) : gp, rate);
                    }

                    if (phase != Phase.Predictor)
                    {
                        adversary.Step(phi, gphi, rate);
                    }

                    if (phase == Phase.Joint && options.AverageTail > 0 && epoch >= averageFrom)
                    {
                        Accumulate(average, theta, ++averaged);
                    }
                }

                if (phase == Phase.Joint && heldOut.Count > 0)
                {
                    // Keep this epoch's θ when it is the best so far by the stopping rule: the rule is an argmax with ties to the
                    // earliest, so the last epoch kept is the one the rule picks over the whole trace.
                    trace.Add(Score(gradients.Predictor(theta), standard, y, a, heldOut, constraint));
                    if (AdversarialStopping.Choose(trace, options.StoppingTarget) == trace.Count - 1)
                    {
                        stopped = (double[])theta.Clone();
                    }
                }

                if (phase == Phase.Joint && options.Selection != AdversarialSelection.Last)
                {
                    // Score this epoch's predictor on the rows it is fitted on (at its best threshold when asked) and keep θ, the
                    // threshold folded into the output bias, while it is the rule's choice so far (argmax, ties to the earliest).
                    var current = gradients.Predictor(theta);
                    var z = fitRows.Select(i => current.Logit(standard[i])).ToArray();
                    var point = options.Selection == AdversarialSelection.EpochAndThreshold
                        ? DecisionThresholdScan.Best(z, fitY, fitA, constraint, options.StoppingTarget)
                        : DecisionThresholdScan.AtZero(z, fitY, fitA, constraint);
                    selection.Add(point);
                    if (AdversarialStopping.Choose(selection.Select(p => (p.Accuracy, p.Disparity)).ToList(), options.StoppingTarget) == selection.Count - 1)
                    {
                        selected = (double[])theta.Clone();
                        selected[^1] -= point.Threshold;
                    }
                }
            }
        }

        if (stopped is not null)
        {
            var chosen = AdversarialStopping.Choose(trace, options.StoppingTarget);
            return (Unstandardise(stopped, d, hidden, mean, std), phi, step, new AdversarialStopping(chosen, heldOut.Count, trace), null);
        }

        if (selected is not null)
        {
            var chosen = AdversarialStopping.Choose(selection.Select(p => (p.Accuracy, p.Disparity)).ToList(), options.StoppingTarget);
            return (Unstandardise(selected, d, hidden, mean, std), phi, step, null, new SelectedIterate(chosen, n, selection));
        }

        if (averaged > 0)
        {
            // Polyak averaging of the joint phase's last iterates: the game oscillates, its average is a steadier predictor.
            theta = average;
        }

        return (Unstandardise(theta, d, hidden, mean, std), phi, step, null, null);
    }

    /// <summary>
    /// The rows early stopping holds out: the first of <paramref name="folds"/> folds stratified by (label, protected attribute),
    /// so both groups and both labels appear in it in their training proportions; none when <paramref name="folds"/> is below 2.
    /// </summary>
    internal static HashSet<int> HeldOutRows(byte[] y, byte[] a, int folds, int seed) =>
        folds < 2 ? [] : MitigationTrainer.StratifiedFolds(y.Select((v, i) => (2 * v) + a[i]).ToArray(), folds, seed)[0];

    // Accuracy and the constraint's disparity between a = 0 and a = 1 of a predictor on the held-out rows.
    private static (double Accuracy, double Disparity) Score(IBinaryClassifier predictor, float[][] x, byte[] y, byte[] a,
        HashSet<int> rows, FairnessConstraint constraint)
    {
        var indices = rows.Order().ToArray();
        var decided = indices.Select(i => predictor.Decide(x[i])).ToArray();
        var labels = indices.Select(i => y[i]).ToArray();
        var accuracy = indices.Select((i, r) => decided[r] == (y[i] == 1)).Count(c => c) / (double)indices.Length;
        return (accuracy, AdversaryWeightSearch.Disparity(decided, labels, indices.Select(i => a[i] == 1 ? "1" : "0").ToArray(), constraint));
    }

    /// <summary>
    /// The predictor on the caller's features from θ fitted on x̃_j = (x_j − μ_j)/σ_j: each first-layer weight row v becomes
    /// v_j/σ_j and its bias b − Σ_j v_j·μ_j/σ_j (the logistic unit is the one-row case).
    /// </summary>
    internal static IBinaryClassifier Unstandardise(double[] theta, int d, int hidden, double[] mean, double[] std)
    {
        var rows = Math.Max(hidden, 1);
        var weights = new double[rows * d];
        var biases = new double[rows];
        for (var k = 0; k < rows; k++)
        {
            var shift = 0.0;
            for (var j = 0; j < d; j++)
            {
                weights[(k * d) + j] = theta[(k * d) + j] / std[j];
                shift += theta[(k * d) + j] * mean[j] / std[j];
            }

            biases[k] = (hidden == 0 ? theta[d] : theta[(hidden * d) + k]) - shift;
        }

        if (hidden == 0)
        {
            return new LinearClassifier(weights, biases[0]);
        }

        var output = theta[((hidden * d) + hidden)..((hidden * d) + (2 * hidden))];
        return new HiddenLayerClassifier(hidden, weights, biases, output, theta[(hidden * d) + (2 * hidden)]);
    }

    // θ = (V unit-major, c, w, b): V Glorot-uniform over fan d + H, w over fan H + 1, biases zero.
    private static double[] InitialNetwork(int d, int hidden, Func<double, double> uniform) => HiddenLayer(d, hidden, 1, uniform);

    // φ = (W unit-major, d, u, c, e) of a hidden adversary: as the network's layers, then c = 1 and e = 0.
    private static double[] InitialAdversary(int m, int units, Func<double, double> uniform)
    {
        var phi = HiddenLayer(m, units, 2, uniform);
        phi[^2] = 1;
        return phi;
    }

    // (W unit-major, biases, output weights, then `extra` zeros): W Glorot-uniform over fan inputs + units, output weights
    // over fan units + 1 (drawn in that order), biases zero.
    private static double[] HiddenLayer(int inputs, int units, int extra, Func<double, double> uniform)
    {
        var parameters = new double[(units * inputs) + (2 * units) + extra];
        for (var q = 0; q < units * inputs; q++)
        {
            parameters[q] = uniform(Math.Sqrt(6.0 / (inputs + units)));
        }

        for (var k = 0; k < units; k++)
        {
            parameters[(units * inputs) + units + k] = uniform(Math.Sqrt(6.0 / (units + 1)));
        }

        return parameters;
    }

    /// <summary>
    /// The Adam rate of a step: AIF360's staircase η₀·0.96^⌊step/1000⌋ over all phases' steps, or, in the joint phase with
    /// <see cref="AdversarialOptions.DecaySteps"/> τ, η₀/(1 + t/τ) at the joint phase's own step t.
    /// </summary>
    internal static double Rate(AdversarialOptions options, int step, int? jointStep) =>
        jointStep is { } t && options.DecaySteps is { } tau
            ? options.LearningRate / (1 + (t / tau))
            : options.LearningRate * Math.Pow(0.96, step / 1000);

    /// <summary>∇L_P − (∇L_P·ĝ)ĝ − α∇L_A with ĝ = ∇L_A/(|∇L_A| + tiny), as AIF360 normalises (no projection when ∇L_A = 0).</summary>
    internal static double[] PredictorStep(double[] gp, double[] ga, double alpha)
    {
        var norm = Math.Sqrt(ga.Sum(v => v * v)) + double.Epsilon;
        var unit = ga.Select(v => v / norm).ToArray();
        var dot = gp.Zip(unit, (p, q) => p * q).Sum();
        return gp.Select((p, j) => p - (dot * unit[j]) - (alpha * ga[j])).ToArray();
    }

    /// <summary>The first joint-phase epoch whose iterates are averaged: ⌊epochs·(1 − tail)⌋ (epochs when tail is 0).</summary>
    internal static int FirstAveragedEpoch(int epochs, double tail) => (int)Math.Floor(epochs * (1 - Math.Clamp(tail, 0, 1)));

    /// <summary>Running mean: after the call <paramref name="average"/> is the mean of the <paramref name="count"/> vectors seen.</summary>
    internal static void Accumulate(double[] average, double[] value, int count)
    {
        for (var j = 0; j < average.Length; j++)
        {
            average[j] += (value[j] - average[j]) / count;
        }
    }

    private static (double[] Mean, double[] Std) Moments(IReadOnlyList<float[]> x)
    {
        var d = x[0].Length;
        var mean = new double[d];
        var std = new double[d];
        for (var j = 0; j < d; j++)
        {
            var mu = x.Average(r => (double)r[j]);
            var sd = Math.Sqrt(x.Average(r => (r[j] - mu) * (r[j] - mu)));
            (mean[j], std[j]) = (mu, sd > 1e-12 ? sd : 1);
        }

        return (mean, std);
    }

    private enum Phase
    {
        Predictor,
        Adversary,
        Joint,
    }
}
