namespace Warden.Core.Explanations;

/// <summary>
/// Interventional Shapley values of a model's output for one row against a background data set
/// (Shapley 1953; Lundberg &amp; Lee 2017, "A Unified Approach to Interpreting Model Predictions", NeurIPS):
/// φ_i = Σ_{S ⊆ F\{i}} |S|!(M−|S|−1)!/M! · [v(S ∪ {i}) − v(S)], with v(S) the mean over background rows b of
/// f(x_S, b_{F\S}). Up to <see cref="ShapleyOptions.ExactFeatureLimit"/> features every coalition is evaluated;
/// above it φ is estimated by antithetic permutation sampling with a standard error per feature.
/// </summary>
/// <remarks>
/// The model is a batch delegate: rows of feature values (in <c>featureNames</c> order) to one output each, e.g.
/// P(positive). Row arrays are reused between calls, so the delegate must copy anything it keeps.
/// </remarks>
public sealed class ShapleyExplainer
{
    /// <summary>Largest feature count accepted for exact enumeration, whatever the options say (2^20 coalitions).</summary>
    public const int MaxExactFeatures = 20;

    private readonly Func<double[][], double[]> _model;
    private readonly string[] _featureNames;
    private readonly double[][] _background;
    private readonly ShapleyOptions _options;

    /// <summary>Creates an explainer for <paramref name="model"/> with the given background rows.</summary>
    /// <exception cref="ArgumentException">Shapes disagree or options are out of range.</exception>
    public ShapleyExplainer(
        Func<double[][], double[]> model,
        IReadOnlyList<string> featureNames,
        IReadOnlyList<double[]> background,
        ShapleyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(background);
        _options = options ?? new ShapleyOptions();
        if (featureNames.Count == 0)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(featureNames));
        }

        if (background.Count == 0)
        {
            throw new ArgumentException("The background data set is empty.", nameof(background));
        }

        for (var r = 0; r < background.Count; r++)
        {
            if (background[r] is null || background[r].Length != featureNames.Count)
            {
                throw new ArgumentException(
                    $"Background row {r} has {background[r]?.Length ?? 0} values; expected {featureNames.Count}.",
                    nameof(background));
            }
        }

        if (_options.ExactFeatureLimit is < 0 or > MaxExactFeatures)
        {
            throw new ArgumentException($"ExactFeatureLimit must be between 0 and {MaxExactFeatures}.", nameof(options));
        }

        if (_options.BatchSize < 1)
        {
            throw new ArgumentException("BatchSize must be positive.", nameof(options));
        }

        if (_options.Permutations < 4 || _options.Permutations % 2 != 0)
        {
            throw new ArgumentException("Permutations must be even and at least 4 (antithetic pairs).", nameof(options));
        }

        if (!(_options.AdditivityTolerance >= 0))
        {
            throw new ArgumentException("AdditivityTolerance must be non-negative.", nameof(options));
        }

        _model = model;
        _featureNames = [.. featureNames];
        _background = [.. background.Select(r => (double[])r.Clone())];
    }

    /// <summary>Feature names in model input order.</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>Explains <paramref name="x"/>: exactly when M ≤ the exact limit, otherwise by permutation sampling.</summary>
    public ShapleyExplanation Explain(IReadOnlyList<double> x) =>
        _featureNames.Length <= _options.ExactFeatureLimit ? ExplainExact(x) : ExplainSampled(x);

    /// <summary>Exact Shapley values by evaluating all 2^M coalitions.</summary>
    /// <exception cref="ArgumentException">M exceeds <see cref="MaxExactFeatures"/> or x has the wrong length.</exception>
    public ShapleyExplanation ExplainExact(IReadOnlyList<double> x)
    {
        var point = CheckRow(x);
        var m = point.Length;
        if (m > MaxExactFeatures)
        {
            throw new ArgumentException($"Exact Shapley values are limited to {MaxExactFeatures} features; got {m}.", nameof(x));
        }

        var values = new CoalitionValueFunction(_model, _background, _options.BatchSize);
        var output = values.Predict([(double[])point.Clone()])[0];
        var coalitions = 1 << m;
        var v = values.Evaluate(point, coalitions, (c, mask) =>
        {
            for (var j = 0; j < m; j++)
            {
                mask[j] = (c & (1 << j)) != 0;
            }
        });

        var weights = ShapleyWeights(m);
        var phi = new double[m];
        // The full coalition has no feature left to add, so it only ever appears as v(S ∪ {i}).
        for (var s = 0; s < coalitions - 1; s++)
        {
            var w = weights[System.Numerics.BitOperations.PopCount((uint)s)];
            for (var i = 0; i < m; i++)
            {
                if ((s & (1 << i)) == 0)
                {
                    phi[i] += w * (v[s | (1 << i)] - v[s]);
                }
            }
        }

        return Build(ShapleyMethod.Exact, point, phi, new double[m], v[0], output, 0, null, values.Evaluations);
    }

    /// <summary>
    /// Shapley values estimated from <see cref="ShapleyOptions.Permutations"/> permutations drawn in antithetic pairs
    /// (π and its reverse). Each permutation's marginal contributions telescope to f(x) − base value, so the estimate
    /// is additive exactly; the standard error is the sample standard deviation of the pair means over √pairs.
    /// </summary>
    public ShapleyExplanation ExplainSampled(IReadOnlyList<double> x)
    {
        var point = CheckRow(x);
        var m = point.Length;
        var permutationCount = _options.Permutations;
        var pairs = permutationCount / 2;
        var random = new Random(_options.Seed);
        var permutations = new int[permutationCount][];
        for (var p = 0; p < pairs; p++)
        {
            var forward = Enumerable.Range(0, m).ToArray();
            random.Shuffle(forward);
            var backward = (int[])forward.Clone();
            Array.Reverse(backward);
            permutations[2 * p] = forward;
            permutations[(2 * p) + 1] = backward;
        }

        var values = new CoalitionValueFunction(_model, _background, _options.BatchSize);
        var output = values.Predict([(double[])point.Clone()])[0];
        var baseValue = values.Predict(_background.Select(r => (double[])r.Clone()).ToArray()).Average();

        // Coalition (p, k) is the first k features of permutation p, for k = 1..M−1; k = 0 and k = M are known.
        var inner = m - 1;
        var v = inner == 0
            ? []
            : values.Evaluate(point, permutationCount * inner, (c, mask) =>
            {
                var perm = permutations[c / inner];
                var k = (c % inner) + 1;
                for (var j = 0; j < k; j++)
                {
                    mask[perm[j]] = true;
                }
            });

        var pairMeans = new double[pairs, m];
        for (var p = 0; p < permutationCount; p++)
        {
            var perm = permutations[p];
            var previous = baseValue;
            for (var k = 1; k <= m; k++)
            {
                var current = k == m ? output : v[(p * inner) + k - 1];
                pairMeans[p / 2, perm[k - 1]] += (current - previous) / 2;
                previous = current;
            }
        }

        var phi = new double[m];
        var standardError = new double[m];
        for (var i = 0; i < m; i++)
        {
            double mean = 0;
            for (var p = 0; p < pairs; p++)
            {
                mean += pairMeans[p, i];
            }

            mean /= pairs;
            double squares = 0;
            for (var p = 0; p < pairs; p++)
            {
                var d = pairMeans[p, i] - mean;
                squares += d * d;
            }

            phi[i] = mean;
            standardError[i] = Math.Sqrt(squares / (pairs - 1) / pairs);
        }

        return Build(
            ShapleyMethod.PermutationSampling, point, phi, standardError, baseValue, output,
            permutationCount, _options.Seed, values.Evaluations);
    }

    /// <summary>w(s) = s!(M−s−1)!/M! = 1 / (M · C(M−1, s)), computed without factorials to stay exact for large M.</summary>
    internal static double[] ShapleyWeights(int m)
    {
        var weights = new double[m];
        double binomial = 1; // C(M−1, 0)
        for (var s = 0; s < m; s++)
        {
            weights[s] = 1.0 / (m * binomial);
            binomial = binomial * (m - 1 - s) / (s + 1);
        }

        return weights;
    }

    private double[] CheckRow(IReadOnlyList<double> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != _featureNames.Length)
        {
            throw new ArgumentException($"The row has {x.Count} values; expected {_featureNames.Length}.", nameof(x));
        }

        return [.. x];
    }

    private ShapleyExplanation Build(
        ShapleyMethod method,
        double[] x,
        double[] phi,
        double[] standardError,
        double baseValue,
        double output,
        int permutations,
        int? seed,
        long evaluations)
    {
        var attributions = Enumerable.Range(0, phi.Length)
            .Select(i => new FeatureAttribution(_featureNames[i], i, x[i], phi[i], standardError[i]))
            .OrderByDescending(a => Math.Abs(a.Phi))
            .ThenBy(a => a.Index)
            .ToArray();
        var reconstructed = baseValue + phi.Sum();
        var error = Math.Abs(reconstructed - output);
        var additivity = new AdditivityCheck(reconstructed, output, error, _options.AdditivityTolerance, error <= _options.AdditivityTolerance);
        return new ShapleyExplanation(
            method, phi.Length, _background.Length, permutations, seed, evaluations, baseValue, output, attributions, additivity);
    }
}
