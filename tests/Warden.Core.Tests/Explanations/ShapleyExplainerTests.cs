using Warden.Core.Explanations;

namespace Warden.Core.Tests.Explanations;

public class ShapleyExplainerTests(ITestOutputHelper output)
{
    /// <summary>f = x0·x1 + sin(x2) + x3²·x4 + exp(0.3·x0·x_last), indices taken modulo M so any M ≥ 1 works.</summary>
    private static double Nonlinear(double[] x)
    {
        double At(int i) => x[i % x.Length];
        return (At(0) * At(1)) + Math.Sin(At(2)) + (At(3) * At(3) * At(4)) + Math.Exp(0.3 * At(0) * x[^1]);
    }

    private static Func<double[][], double[]> Batch(Func<double[], double> f) => rows => rows.Select(f).ToArray();

    private static double[][] RandomRows(int seed, int rows, int m)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, m).Select(_ => (random.NextDouble() * 4) - 2).ToArray()).ToArray();
    }

    private static string[] Names(int m) => Enumerable.Range(0, m).Select(i => $"x{i}").ToArray();

    /// <summary>
    /// Brute force straight from the permutation definition (Shapley 1953): φ_i is the mean over all M! orderings of
    /// the change in v when i joins the features before it; v(S) is recomputed from scratch for every ordering.
    /// </summary>
    private static double[] BruteForce(Func<double[], double> f, double[] x, double[][] background)
    {
        var m = x.Length;
        double V(HashSet<int> s) => background.Average(b => f(Enumerable.Range(0, m).Select(j => s.Contains(j) ? x[j] : b[j]).ToArray()));
        var phi = new double[m];
        var orderings = 0;
        foreach (var order in Permutations(Enumerable.Range(0, m).ToList()))
        {
            orderings++;
            var before = new HashSet<int>();
            foreach (var i in order)
            {
                var without = V(before);
                before.Add(i);
                phi[i] += V(before) - without;
            }
        }

        return phi.Select(p => p / orderings).ToArray();
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count == 0)
        {
            yield return [];
            yield break;
        }

        foreach (var head in items)
        {
            foreach (var tail in Permutations(items.Where(i => i != head).ToList()))
            {
                yield return [head, .. tail];
            }
        }
    }

    private static double PhiOf(ShapleyExplanation e, int index) => e.Attributions.Single(a => a.Index == index).Phi;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Exact_values_match_brute_force_enumeration_of_all_orderings(int m)
    {
        var background = RandomRows(11 + m, 9, m);
        var x = RandomRows(100 + m, 1, m)[0];
        var explainer = new ShapleyExplainer(Batch(Nonlinear), Names(m), background, new ShapleyOptions { BatchSize = 5 });

        var explanation = explainer.ExplainExact(x);
        var expected = BruteForce(Nonlinear, x, background);

        var maxDiff = Enumerable.Range(0, m).Max(i => Math.Abs(PhiOf(explanation, i) - expected[i]));
        output.WriteLine($"M={m}: max |phi_exact - phi_bruteforce| = {maxDiff:E3}");
        Assert.True(maxDiff < 1e-12, $"max abs difference {maxDiff}");
        Assert.True(explanation.Additivity.Passed);
        Assert.Equal(ShapleyMethod.Exact, explanation.Method);
        Assert.Null(explanation.Seed);
        Assert.All(explanation.Attributions, a => Assert.Equal(0, a.StandardError));
    }

    [Fact]
    public void Linear_model_values_are_weight_times_distance_from_background_mean()
    {
        // f(x) = 2 x0 − x1 + 0.5 x2 + 4; background (1,2,3) and (3,0,1) has means (2,1,2); x = (5,5,5).
        // φ0 = 2·(5−2) = 6, φ1 = −1·(5−1) = −4, φ2 = 0.5·(5−2) = 1.5.
        // base = mean(f(1,2,3) = 2−2+1.5+4 = 5.5, f(3,0,1) = 6−0+0.5+4 = 10.5) = 8; f(x) = 10−5+2.5+4 = 11.5 = 8+6−4+1.5.
        static double F(double[] v) => (2 * v[0]) - v[1] + (0.5 * v[2]) + 4;
        double[][] background = [[1, 2, 3], [3, 0, 1]];
        var explainer = new ShapleyExplainer(Batch(F), ["a", "b", "c"], background);

        var e = explainer.Explain([5, 5, 5]);

        Assert.Equal(6, PhiOf(e, 0), 12);
        Assert.Equal(-4, PhiOf(e, 1), 12);
        Assert.Equal(1.5, PhiOf(e, 2), 12);
        Assert.Equal(8, e.BaseValue, 12);
        Assert.Equal(11.5, e.Output, 12);
        Assert.Equal(["a", "b", "c"], e.Attributions.Select(a => a.Feature));
        Assert.Equal([5.0, 5.0, 5.0], e.Attributions.Select(a => a.Value));
    }

    [Fact]
    public void Attributions_are_sorted_by_absolute_value()
    {
        // Linear, zero background: φ_i = w_i x_i = (0.1, −3, 2, −0.5) → order x1, x2, x3, x0.
        static double F(double[] v) => (0.1 * v[0]) - (3 * v[1]) + (2 * v[2]) - (0.5 * v[3]);
        var e = new ShapleyExplainer(Batch(F), Names(4), [new double[4]]).Explain([1, 1, 1, 1]);

        Assert.Equal(["x1", "x2", "x3", "x0"], e.Attributions.Select(a => a.Feature));
    }

    [Fact]
    public void Exact_values_on_hmda_logistic_model_match_independent_python_enumeration()
    {
        var fixture = HmdaLogisticFixture.Load();
        var (rows, _) = HmdaLogisticFixture.ReadHmda(fixture.Features);
        var background = rows.Where((_, i) => i % fixture.BackgroundEvery == 0).ToArray();
        var explainer = new ShapleyExplainer(
            Batch(fixture.Predict), fixture.Features, background, new ShapleyOptions { AdditivityTolerance = 1e-12 });

        double maxDiff = 0;
        foreach (var expected in fixture.Explained)
        {
            Assert.Equal(expected.X, rows[expected.Row]);
            var e = explainer.Explain(rows[expected.Row]);

            Assert.Equal(expected.Base, e.BaseValue, 1e-13);
            Assert.Equal(expected.Output, e.Output, 1e-13);
            Assert.True(e.Additivity.Passed, $"additivity error {e.Additivity.AbsoluteError}");
            for (var i = 0; i < expected.Phi.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(PhiOf(e, i) - expected.Phi[i]));
            }
        }

        output.WriteLine($"HMDA logistic (M=8, N={background.Length}): max |phi - phi_python| = {maxDiff:E3}");
        Assert.True(maxDiff < 1e-12, $"max abs difference {maxDiff}");
    }

    [Fact]
    public void Antithetic_sampling_is_exact_for_models_with_only_pairwise_interactions()
    {
        // For a term g(x_i, x_j), i's marginal contribution depends only on whether j comes first; a permutation and
        // its reverse disagree on that, so each antithetic pair averages to the exact φ and the standard error is 0.
        const int m = 14;
        static double F(double[] v)
        {
            double s = 0;
            for (var i = 0; i < m; i++)
            {
                s += (0.3 * (i + 1) * v[i]) + (v[i] * v[(i + 1) % m]) + Math.Sin(v[i] * v[(i + 5) % m]);
            }

            return s;
        }

        var background = RandomRows(5, 12, m);
        var x = RandomRows(6, 1, m)[0];
        var exact = new ShapleyExplainer(Batch(F), Names(m), background, new ShapleyOptions { ExactFeatureLimit = m }).Explain(x);
        var sampled = new ShapleyExplainer(Batch(F), Names(m), background, new ShapleyOptions { Permutations = 4 }).Explain(x);

        Assert.Equal(ShapleyMethod.PermutationSampling, sampled.Method);
        foreach (var a in sampled.Attributions)
        {
            Assert.Equal(PhiOf(exact, a.Index), a.Phi, 1e-10);
            Assert.True(a.StandardError < 1e-10);
        }
    }

    [Fact]
    public void Sampled_values_converge_to_exact_within_their_standard_error_on_14_features()
    {
        const int m = 14;
        // Three-way and global interactions, so permutation sampling has real variance (see the pairwise test above).
        static double F(double[] v)
        {
            double s = 0, total = 0;
            for (var i = 0; i < m; i++)
            {
                s += (0.3 * (i + 1) * v[i]) + Math.Sin(v[i] * v[(i + 1) % m] * v[(i + 3) % m]) + (0.2 * v[i] * v[(i + 2) % m] * v[(i + 7) % m]);
                total += v[i];
            }

            return s + (3 * Math.Tanh(total / 4));
        }

        var background = RandomRows(5, 12, m);
        var x = RandomRows(6, 1, m)[0];
        var exact = new ShapleyExplainer(Batch(F), Names(m), background, new ShapleyOptions { ExactFeatureLimit = m })
            .Explain(x);
        var sampler = new ShapleyExplainer(Batch(F), Names(m), background, new ShapleyOptions { Permutations = 400, Seed = 42 });

        var sampled = sampler.Explain(x);

        Assert.Equal(ShapleyMethod.Exact, exact.Method);
        Assert.Equal(ShapleyMethod.PermutationSampling, sampled.Method);
        Assert.Equal(400, sampled.Permutations);
        Assert.Equal(42, sampled.Seed);
        Assert.True(sampled.Additivity.Passed, $"additivity error {sampled.Additivity.AbsoluteError}");
        Assert.Equal(exact.BaseValue, sampled.BaseValue, 1e-12);
        var z = new List<double>();
        foreach (var a in sampled.Attributions)
        {
            Assert.True(a.StandardError > 0, $"{a.Feature} has no standard error");
            var diff = a.Phi - PhiOf(exact, a.Index);
            z.Add(diff / a.StandardError);
            output.WriteLine($"{a.Feature}: exact {PhiOf(exact, a.Index):F5} sampled {a.Phi:F5} se {a.StandardError:F5} z {diff / a.StandardError:F2}");
        }

        Assert.All(z, zi => Assert.True(Math.Abs(zi) < 4, $"z = {zi}"));
        // If the standard errors were inflated every |z| would be tiny; with honest ones the RMS z is near 1.
        var rmsZ = Math.Sqrt(z.Average(v => v * v));
        output.WriteLine($"RMS z = {rmsZ:F3}");
        Assert.InRange(rmsZ, 0.3, 2.0);

        var more = new ShapleyExplainer(Batch(F), Names(m), background, new ShapleyOptions { Permutations = 1600, Seed = 42 }).Explain(x);
        var errorSmall = sampled.Attributions.Average(a => Math.Abs(a.Phi - PhiOf(exact, a.Index)));
        var errorLarge = more.Attributions.Average(a => Math.Abs(a.Phi - PhiOf(exact, a.Index)));
        output.WriteLine($"mean abs error: 400 perms {errorSmall:E3}, 1600 perms {errorLarge:E3}");
        Assert.True(more.Attributions.Average(a => a.StandardError) < sampled.Attributions.Average(a => a.StandardError));
    }

    [Fact]
    public void Sampling_is_reproducible_for_a_seed_and_differs_between_seeds()
    {
        var background = RandomRows(1, 6, 5);
        var x = RandomRows(2, 1, 5)[0];
        ShapleyExplanation Run(int seed) =>
            new ShapleyExplainer(Batch(Nonlinear), Names(5), background, new ShapleyOptions { Permutations = 8, Seed = seed }).ExplainSampled(x);

        var a = Run(7);
        var b = Run(7);
        var c = Run(8);

        Assert.Equal(a.Attributions, b.Attributions);
        Assert.NotEqual(a.Attributions.Select(t => t.Phi), c.Attributions.Select(t => t.Phi));
    }

    [Fact]
    public void Batch_size_does_not_change_results_and_evaluation_count_is_coalitions_times_background()
    {
        var background = RandomRows(3, 7, 4);
        var x = RandomRows(4, 1, 4)[0];
        var calls = new List<int>();
        Func<double[][], double[]> model = rows =>
        {
            calls.Add(rows.Length);
            return rows.Select(Nonlinear).ToArray();
        };

        var small = new ShapleyExplainer(model, Names(4), background, new ShapleyOptions { BatchSize = 5 }).ExplainExact(x);
        var large = new ShapleyExplainer(Batch(Nonlinear), Names(4), background).ExplainExact(x);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(PhiOf(large, i), PhiOf(small, i), 1e-14);
        }

        // 1 row for f(x) plus 2^4 coalitions × 7 background rows = 113, in calls of at most 5 rows.
        Assert.Equal(113, small.ModelEvaluations);
        Assert.Equal(113, calls.Sum());
        Assert.All(calls, c => Assert.InRange(c, 1, 5));
    }

    [Fact]
    public void Shapley_weights_over_all_subsets_sum_to_one()
    {
        // Σ_s C(M−1, s) · s!(M−s−1)!/M! = 1; for M = 3: w = (1/3, 1/6, 1/3) → 1/3 + 2·1/6 + 1/3 = 1.
        var three = ShapleyExplainer.ShapleyWeights(3);
        Assert.Equal(1.0 / 3, three[0], 1e-15);
        Assert.Equal(1.0 / 6, three[1], 1e-15);
        Assert.Equal(1.0 / 3, three[2], 1e-15);
        for (var m = 1; m <= 20; m++)
        {
            var w = ShapleyExplainer.ShapleyWeights(m);
            double total = 0, binomial = 1;
            for (var s = 0; s < m; s++)
            {
                total += binomial * w[s];
                binomial = binomial * (m - 1 - s) / (s + 1);
            }

            Assert.Equal(1.0, total, 1e-12);
        }
    }

    [Fact]
    public void Model_returning_wrong_number_of_outputs_is_reported()
    {
        var explainer = new ShapleyExplainer(rows => new double[rows.Length + 1], Names(2), [new double[2]]);

        var error = Assert.Throws<InvalidOperationException>(() => explainer.Explain([1, 2]));
        Assert.Contains("returned 2 outputs for 1 rows", error.Message);
    }

    [Fact]
    public void Mismatched_shapes_and_bad_options_are_rejected()
    {
        var model = Batch(Nonlinear);
        Assert.Throws<ArgumentException>(() => new ShapleyExplainer(model, Names(2), Array.Empty<double[]>()));
        Assert.Throws<ArgumentException>(() => new ShapleyExplainer(model, Names(2), [new double[3]]));
        Assert.Throws<ArgumentException>(() => new ShapleyExplainer(model, Names(2), [new double[2]], new ShapleyOptions { Permutations = 5 }));
        Assert.Throws<ArgumentException>(() => new ShapleyExplainer(model, Names(2), [new double[2]], new ShapleyOptions { ExactFeatureLimit = 21 }));
        var explainer = new ShapleyExplainer(model, Names(2), [new double[2]]);
        Assert.Throws<ArgumentException>(() => explainer.Explain([1, 2, 3]));
    }
}
