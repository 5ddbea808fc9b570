using Warden.Core.Abuse;

namespace Warden.Core.Tests.Abuse;

public class FeatureSweepDetectorTests
{
    private static FeatureSweepDetector NewDetector(int run = 10) =>
        new(new FeatureSweepDetectorOptions { Scales = ProbingClients.Scales, MinimumRun = run });

    private static IEnumerable<double[]> Sweep(double[] start, int feature, double step, int count) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var x = (double[])start.Clone();
            x[feature] += i * step;
            return x;
        });

    [Fact]
    public void Monotone_single_feature_sweep_is_flagged_once_at_L_queries()
    {
        var detector = NewDetector(run: 10);
        // lvrat (index 2) of a real row raised by 0.01 per query: 0.01 / scale(≈0.83) ≈ 0.012 ≤ MaxStep 0.5.
        var alerts = Sweep(ProbingClients.Rows[0], feature: 2, step: 0.01, count: 40)
            .Select(q => detector.Observe("k", q)).OfType<AbuseAlert>().ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal(AbuseAlertKind.FeatureSweep, alert.Kind);
        Assert.Equal(10, alert.QueryCount);
        Assert.Equal(10, alert.Statistic);
        Assert.Equal(10, alert.Threshold);
        Assert.Contains("feature 2", alert.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Reversing_direction_restarts_the_run()
    {
        var detector = NewDetector(run: 10);
        var up = Sweep(ProbingClients.Rows[0], 0, 0.01, 9).ToList();
        var down = Sweep(up[^1], 0, -0.01, 9).Skip(1);
        Assert.All(up.Concat(down), q => Assert.Null(detector.Observe("k", q)));
    }

    [Fact]
    public void Changing_two_features_is_not_a_sweep()
    {
        var detector = NewDetector(run: 5);
        var start = ProbingClients.Rows[0];
        for (int i = 0; i < 30; i++)
        {
            var x = (double[])start.Clone();
            x[0] += i * 0.01;
            x[1] += i * 0.01;
            Assert.Null(detector.Observe("k", x));
        }
    }

    [Fact]
    public void Large_steps_are_not_a_sweep()
    {
        var detector = NewDetector(run: 5);
        // 0.6 of the pirat scale per step exceeds MaxStep 0.5.
        double step = 0.6 * ProbingClients.Scales[0];
        Assert.All(Sweep(ProbingClients.Rows[0], 0, step, 30), q => Assert.Null(detector.Observe("k", q)));
    }

    [Fact]
    public void Benign_hmda_clients_are_not_flagged()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var detector = NewDetector(run: 5);
            Assert.All(ProbingClients.Benign(seed, 500), q => Assert.Null(detector.Observe("k", q)));
        }
    }
}
