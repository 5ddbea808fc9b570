using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// The exponentiated-gradient reduction of Agarwal, Beygelzimer, Dudík, Langford &amp; Wallach (2018), "A Reductions Approach
/// to Fair Classification", ICML, Algorithm 1, with the step-size and stopping rules of Fairlearn's <c>ExponentiatedGradient</c>
/// and its linear-programming step (the best mixture over the classifiers found so far, kept when its duality gap is smaller).
/// </summary>
/// <remarks>
/// Moments: with event e(i) = 0 for demographic parity and e(i) = y_i for equalized odds,
/// γ_{a,e}(h) = E[h | A = a, E = e] − E[h | E = e], and the constraints are ±γ_{a,e} − ε ≤ 0.
/// For multipliers λ (μ = λ₊ − λ₋) the best response minimises err(h) + λᵀγ(h); writing both as a sum over rows,
/// predicting 1 instead of 0 on row i costs c_i = (1 − 2y_i)/n + μ_{a_i,e_i}/n_{a_i,e_i} − Σ_a μ_{a,e_i}/n_{e_i},
/// so the learner is trained on label 1(c_i &lt; 0) with weight |c_i|. λ = B·exp(θ)/(1 + Σ exp(θ)) with θ updated by
/// θ += η·(γ(h_t) − ε); the mixture is the average of the best responses, and the iterate with the smallest duality gap is kept.
/// </remarks>
internal sealed class ExponentiatedGradient
{
    private const double Precision = 1e-8;
    private const double AccuracyMultiplier = 0.5;
    private const int MinIterations = 5;
    private const double RegretCheckStart = 5;
    private const double RegretCheckIncrease = 1.6;
    private const double ShrinkRegret = 0.8;
    private const double ShrinkEta = 0.8;

    private readonly IReadOnlyList<float[]> _x;
    private readonly byte[] _y;
    private readonly Func<IReadOnlyList<float[]>, bool[], double[], LinearClassifier> _learner;
    private readonly int[] _cell;
    private readonly int[] _event;
    private readonly double[] _cellCount;
    private readonly double[] _eventCount;
    private readonly int _groups;
    private readonly int _events;
    private readonly double _epsilon;
    private readonly double _bound;
    private readonly List<LinearClassifier> _classifiers = [];
    private readonly List<double> _errors = [];
    private readonly List<double[]> _gammas = [];

    /// <param name="x">Scaled features.</param>
    /// <param name="y">Labels 0/1.</param>
    /// <param name="group">Group code per row, 0 .. groups − 1.</param>
    /// <param name="constraint">Demographic parity or equalized odds.</param>
    /// <param name="epsilon">Allowed violation ε.</param>
    /// <param name="learner">Weighted classification oracle: (x, labels, weights) → classifier.</param>
    public ExponentiatedGradient(IReadOnlyList<float[]> x, byte[] y, int[] group, FairnessConstraint constraint, double epsilon,
        Func<IReadOnlyList<float[]>, bool[], double[], LinearClassifier> learner)
    {
        _x = x;
        _y = y;
        _learner = learner;
        _epsilon = epsilon;
        _bound = 1 / epsilon;
        _groups = group.Max() + 1;
        _events = constraint == FairnessConstraint.DemographicParity ? 1 : 2;
        _event = constraint == FairnessConstraint.DemographicParity ? new int[y.Length] : y.Select(v => (int)v).ToArray();
        _cell = new int[y.Length];
        _cellCount = new double[_groups * _events];
        _eventCount = new double[_events];
        for (var i = 0; i < y.Length; i++)
        {
            _cell[i] = (group[i] * _events) + _event[i];
            _cellCount[_cell[i]]++;
            _eventCount[_event[i]]++;
        }
    }

    /// <summary>Constraints: index 2k is +γ_k − ε, 2k + 1 is −γ_k − ε, for cell k = group·events + event.</summary>
    public int ConstraintCount => 2 * _cellCount.Length;

    public ExponentiatedGradientResult Fit(int maxIterations, double eta0)
    {
        var theta = new double[ConstraintCount];
        var lambdaSum = new double[ConstraintCount];
        var counts = new List<double>();
        var mixtures = new List<double[]>();
        var gaps = new List<double>();
        var gapsEg = new List<double>();
        double nu = 0, eta = 0;
        double lastRegretChecked = RegretCheckStart;
        var lastGap = double.PositiveInfinity;
        var lambda = new double[ConstraintCount];
        var iterations = 0;
        var lpClassifiers = -1;
        (double[] Q, double Gap)? lp = null;
        for (var t = 0; t < maxIterations; t++)
        {
            iterations = t + 1;
            var expSum = theta.Sum(Math.Exp);
            for (var k = 0; k < lambda.Length; k++)
            {
                lambda[k] = _bound * Math.Exp(theta[k]) / (1 + expSum);
                lambdaSum[k] += lambda[k];
            }

            var h = BestResponse(lambda);
            if (t == 0)
            {
                // Fairlearn: ν = 0.5 · std(|h(x) − y|) / √n (sample standard deviation).
                var losses = Enumerable.Range(0, _y.Length).Select(i => (double)Math.Abs(Predict(_classifiers[h], i) - _y[i])).ToArray();
                nu = AccuracyMultiplier * MathNet.Numerics.Statistics.Statistics.StandardDeviation(losses) / Math.Sqrt(_y.Length);
                eta = eta0 / _bound;
            }

            while (counts.Count < _classifiers.Count)
            {
                counts.Add(0);
            }

            counts[h] += 1;
            var total = counts.Sum();
            var q = counts.Select(c => c / total).ToArray();
            var lambdaEg = lambdaSum.Select(v => v / (t + 1)).ToArray();
            var gap = Gap(q, lambdaEg, nu);
            gapsEg.Add(gap);

            // Fairlearn's LP step: re-solved only when new classifiers were found since the last solve.
            if (t > 0 && _classifiers.Count != lpClassifiers)
            {
                lpClassifiers = _classifiers.Count;
                lp = SolveLinearProgram() is { } solved ? (solved.Q, Gap(solved.Q, solved.Lambda, nu)) : null;
            }

            if (t > 0 && lp is { } solution && solution.Gap < gap)
            {
                q = solution.Q;
                gap = solution.Gap;
            }

            gaps.Add(gap);
            mixtures.Add(q);
            if (gap < nu && t >= MinIterations)
            {
                break;
            }

            if (t >= lastRegretChecked * RegretCheckIncrease)
            {
                var best = gapsEg.Min();
                if (best > lastGap * ShrinkRegret)
                {
                    eta *= ShrinkEta;
                }

                lastRegretChecked = t;
                lastGap = best;
            }

            var g = _gammas[h];
            for (var k = 0; k < theta.Length; k++)
            {
                theta[k] += eta * (g[k] - _epsilon);
            }
        }

        // As Fairlearn: the last iterate among those within precision of the smallest gap.
        var minGap = gaps.Min();
        var bestIteration = Enumerable.Range(0, gaps.Count).Last(i => gaps[i] <= minGap + Precision);
        var weights = new double[_classifiers.Count];
        Array.Copy(mixtures[bestIteration], weights, mixtures[bestIteration].Length);
        return new ExponentiatedGradientResult(_classifiers.ToArray(), weights, lambda.ToArray(), gaps[bestIteration], iterations, bestIteration, nu,
            _errors.ToArray(), _gammas.Select(g => g.Max()).ToArray());
    }

    /// <summary>
    /// The LP over the classifiers found so far (Fairlearn's <c>solve_linprog</c>): the mixture Q minimising
    /// err(Q) + B·max(0, max_k γ_k(Q) − ε), and from the dual the multipliers λ ≥ 0, Σλ ≤ B maximising min_h L(h, λ).
    /// </summary>
    internal (double[] Q, double[] Lambda)? SolveLinearProgram()
    {
        var m = _classifiers.Count;
        var k = ConstraintCount;

        // Primal: variables q_1..q_m, s ≥ 0; minimise Σ err_j q_j + B·s; Σ_j (γ_kj − ε) q_j − s ≤ 0; Σ q_j = 1.
        var c = _errors.Append(_bound).ToArray();
        var rows = new double[k + 1][];
        for (var r = 0; r < k; r++)
        {
            rows[r] = new double[m + 1];
            for (var j = 0; j < m; j++)
            {
                rows[r][j] = _gammas[j][r] - _epsilon;
            }

            rows[r][m] = -1;
        }

        rows[k] = Enumerable.Repeat(1.0, m).Append(0).ToArray();
        var primal = LinearProgram.Minimize(c, rows, new double[k].Append(1).ToArray(), new bool[k].Append(true).ToArray());
        if (primal is null)
        {
            return null;
        }

        // Dual: variables λ_1..λ_k ≥ 0, w = w⁺ − w⁻; maximise w; w − Σ_r (γ_rj − ε) λ_r ≤ err_j for each j; Σ λ ≤ B.
        var dualRows = new double[m + 1][];
        for (var j = 0; j < m; j++)
        {
            dualRows[j] = new double[k + 2];
            for (var r = 0; r < k; r++)
            {
                dualRows[j][r] = -(_gammas[j][r] - _epsilon);
            }

            dualRows[j][k] = 1;
            dualRows[j][k + 1] = -1;
        }

        dualRows[m] = Enumerable.Repeat(1.0, k).Append(0).Append(0).ToArray();
        var dualCost = new double[k].Append(-1).Append(1).ToArray();
        var dual = LinearProgram.Minimize(dualCost, dualRows, [.. _errors, _bound], new bool[m + 1]);
        if (dual is null)
        {
            return null;
        }

        var q = primal[..m];
        var total = q.Sum();
        return (q.Select(v => Math.Max(0, v) / total).ToArray(), dual[..k]);
    }

    /// <summary>Signed constraint values g(h) (without ε) of hard predictions <paramref name="h"/>.</summary>
    internal double[] Gammas(IReadOnlyList<byte> h)
    {
        var cellSum = new double[_cellCount.Length];
        var eventSum = new double[_events];
        for (var i = 0; i < h.Count; i++)
        {
            cellSum[_cell[i]] += h[i];
            eventSum[_event[i]] += h[i];
        }

        var g = new double[ConstraintCount];
        for (var k = 0; k < _cellCount.Length; k++)
        {
            // An empty (group, event) cell has no constraint (Fairlearn would yield NaN); it stays at 0.
            if (_cellCount[k] == 0)
            {
                continue;
            }

            var gamma = (cellSum[k] / _cellCount[k]) - (eventSum[k % _events] / _eventCount[k % _events]);
            g[2 * k] = gamma;
            g[(2 * k) + 1] = -gamma;
        }

        return g;
    }

    /// <summary>Per-row cost of predicting 1 rather than 0 under multipliers <paramref name="lambda"/>, times n.</summary>
    internal double[] Costs(IReadOnlyList<double> lambda)
    {
        var n = _y.Length;
        var mu = new double[_cellCount.Length];
        var eventMu = new double[_events];
        for (var k = 0; k < mu.Length; k++)
        {
            mu[k] = lambda[2 * k] - lambda[(2 * k) + 1];
            if (_cellCount[k] > 0)
            {
                eventMu[k % _events] += mu[k];
            }
        }

        var costs = new double[n];
        for (var i = 0; i < n; i++)
        {
            var e = _event[i];
            costs[i] = (1 - (2.0 * _y[i])) + (n * ((mu[_cell[i]] / _cellCount[_cell[i]]) - (eventMu[e] / _eventCount[e])));
        }

        return costs;
    }

    /// <summary>
    /// Trains the cost-sensitive best response for <paramref name="lambda"/>; returns its index, or the index of an earlier
    /// classifier whose Lagrangian is not worse by more than 1e-8 (Fairlearn keeps the earlier one then).
    /// </summary>
    private int BestResponse(IReadOnlyList<double> lambda)
    {
        var costs = Costs(lambda);
        var labels = costs.Select(c => c < 0).ToArray();
        var weights = costs.Select(Math.Abs).ToArray();
        var candidate = weights.Sum() > 0 ? _learner(_x, labels, weights) : LinearClassifier.Constant(_x[0].Length, false);
        var predictions = Enumerable.Range(0, _y.Length).Select(i => (byte)(candidate.Decide(_x[i]) ? 1 : 0)).ToArray();
        var error = Error(predictions);
        var gamma = Gammas(predictions);
        var value = error + Dot(gamma, lambda);

        var bestIndex = -1;
        var bestValue = double.PositiveInfinity;
        for (var j = 0; j < _classifiers.Count; j++)
        {
            var v = _errors[j] + Dot(_gammas[j], lambda);
            if (v < bestValue)
            {
                bestValue = v;
                bestIndex = j;
            }
        }

        if (value < bestValue - Precision)
        {
            _classifiers.Add(candidate);
            _errors.Add(error);
            _gammas.Add(gamma);
            return _classifiers.Count - 1;
        }

        return bestIndex;
    }

    /// <summary>
    /// Duality gap max(L(Q, λ̂) − min_h L(h, λ̂), max_λ L(Q, λ) − L(Q, λ̂)), the minimum over h searched at multiples 1, 2, 5, 10 of λ̂
    /// and the maximum over λ attained at B on the most violated constraint (or 0).
    /// </summary>
    private double Gap(double[] q, double[] lambdaHat, double nu)
    {
        var (lagrangian, high) = Evaluate(q, lambdaHat);
        var low = lagrangian;
        var gap = Math.Max(lagrangian - low, high - lagrangian);
        foreach (var multiplier in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            var h = BestResponse(lambdaHat.Select(v => v * multiplier).ToArray());
            var single = new double[_classifiers.Count];
            single[h] = 1;
            var (lowH, _) = Evaluate(single, lambdaHat);
            low = Math.Min(low, lowH);
            gap = Math.Max(lagrangian - low, high - lagrangian);
            if (gap > nu + Precision)
            {
                break;
            }
        }

        return gap;
    }

    private (double Lagrangian, double High) Evaluate(double[] q, double[] lambda)
    {
        var error = 0.0;
        var gamma = new double[ConstraintCount];
        for (var j = 0; j < q.Length; j++)
        {
            if (q[j] == 0)
            {
                continue;
            }

            error += q[j] * _errors[j];
            for (var k = 0; k < gamma.Length; k++)
            {
                gamma[k] += q[j] * _gammas[j][k];
            }
        }

        var lagrangian = error;
        var maxViolation = double.NegativeInfinity;
        for (var k = 0; k < gamma.Length; k++)
        {
            lagrangian += lambda[k] * (gamma[k] - _epsilon);
            maxViolation = Math.Max(maxViolation, gamma[k] - _epsilon);
        }

        return (lagrangian, maxViolation > 0 ? error + (_bound * maxViolation) : error);
    }

    private double Error(byte[] predictions)
    {
        var wrong = 0;
        for (var i = 0; i < predictions.Length; i++)
        {
            wrong += predictions[i] != _y[i] ? 1 : 0;
        }

        return (double)wrong / predictions.Length;
    }

    private byte Predict(LinearClassifier h, int i) => h.Decide(_x[i]) ? (byte)1 : (byte)0;

    private static double Dot(double[] a, IReadOnlyList<double> b)
    {
        var s = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            s += a[k] * b[k];
        }

        return s;
    }
}
