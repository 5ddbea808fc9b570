using System.Text.Json;
using Warden.Training.Adaptation;
using Warden.Training.Transfer;

namespace Warden.Training.Tests.Adaptation;

/// <summary>Checks against tests/fixtures/adaptation/reference.py (stdlib-only Python) on the real HMDA afam split.</summary>
public class AdaptationReferenceTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(Warden.Tests.RepoFiles.Path("tests/fixtures/adaptation/reference.json"))).RootElement;

    private static readonly (IReadOnlyList<HmdaApplication> Source, IReadOnlyList<HmdaApplication> Target) Domains =
        HmdaDomainSplit.Split(HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")));

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double[] TargetScores() =>
        Domains.Target.Select(r => Sigmoid(-3 + 4 * (double)r.Pirat + 0.4 * (double)r.Chist)).ToArray();

    private static bool[] TargetLabels() => Domains.Target.Select(r => r.Deny).ToArray();

    [Fact]
    public void Ks_per_feature_matches_the_python_reference()
    {
        var names = HmdaDataset.FeatureNames;
        for (var f = 0; f < names.Count; f++)
        {
            var ks = TwoSampleKs.Test(names[f],
                Domains.Source.Select(r => (double)r.Features()[f]).ToArray(),
                Domains.Target.Select(r => (double)r.Features()[f]).ToArray());
            var expected = Reference.GetProperty("ks").GetProperty(names[f]);

            Assert.Equal(expected.GetProperty("d").GetDouble(), ks.D, 12);
            var p = expected.GetProperty("p").GetDouble();
            Assert.True(Math.Abs(p - ks.PValue) <= 1e-9 * Math.Max(1, p / 1e-9) + 1e-12 || Math.Abs(p - ks.PValue) <= 1e-6 * p,
                $"{names[f]}: p {ks.PValue} vs {p}");
        }
    }

    [Fact]
    public void Quality_metrics_match_the_python_reference()
    {
        var q = BinaryQuality.Compute(TargetLabels(), TargetScores());
        var expected = Reference.GetProperty("quality");

        Assert.Equal(expected.GetProperty("auc").GetDouble(), q.Auc, 12);
        Assert.Equal(expected.GetProperty("accuracy").GetDouble(), q.Accuracy, 12);
        Assert.Equal(expected.GetProperty("log_loss").GetDouble(), q.LogLoss, 12);
        Assert.Equal(expected.GetProperty("brier").GetDouble(), q.Brier, 12);
        Assert.Equal(expected.GetProperty("ece").GetDouble(), q.Ece, 12);
    }

    [Fact]
    public void Platt_parameters_match_the_python_gradient_descent_fit()
    {
        var platt = PlattScaling.Fit(TargetScores().Select(PlattScaling.Logit).ToArray(), TargetLabels());
        var expected = Reference.GetProperty("platt");

        Assert.Equal(expected.GetProperty("a").GetDouble(), platt.A, 6);
        Assert.Equal(expected.GetProperty("b").GetDouble(), platt.B, 6);
    }

    [Fact]
    public void Isotonic_map_matches_the_naive_python_pav()
    {
        var iso = IsotonicCalibration.Fit(TargetScores(), TargetLabels());
        var expected = Reference.GetProperty("isotonic");
        var queries = expected.GetProperty("queries").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var values = expected.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        Assert.Equal(expected.GetProperty("thresholds").GetInt32(), iso.Thresholds.Count);
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(values[i], iso.Apply(queries[i]), 12);
        }

        var calibrated = BinaryQuality.Compute(TargetLabels(), TargetScores().Select(iso.Apply).ToArray());
        Assert.Equal(expected.GetProperty("quality").GetProperty("brier").GetDouble(), calibrated.Brier, 12);
        Assert.Equal(expected.GetProperty("quality").GetProperty("ece").GetDouble(), calibrated.Ece, 12);
    }

    [Fact]
    public void Importance_weights_match_the_python_reference()
    {
        var q = Domains.Source.Select(r => Sigmoid(-2 + 1.5 * (double)r.Lvrat + 0.3 * (double)r.Chist)).ToArray();

        var w = ImportanceWeights.FromDomainProbabilities(q, Domains.Source.Count, Domains.Target.Count);
        var expected = Reference.GetProperty("weights");

        Assert.Equal(expected.GetProperty("cap").GetDouble(), w.ClipValue, 10);
        Assert.Equal(expected.GetProperty("clipped").GetInt32(), w.ClippedRows);
        Assert.Equal(expected.GetProperty("ess").GetDouble(), w.EffectiveSampleSize, 8);
        Assert.Equal(expected.GetProperty("max").GetDouble(), w.Weights.Max(), 10);
        var first = expected.GetProperty("first").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], w.Weights[i], 10);
        }

        Assert.Equal(1.0, w.Weights.Average(), 12);
    }
}
