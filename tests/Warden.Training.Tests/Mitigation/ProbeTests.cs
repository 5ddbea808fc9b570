using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

public class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var run = MitigationTrainer.Run(rows, MitigationMethod.None, FairnessConstraint.DemographicParity, 42);
        foreach (var (name, set) in new[] { ("train", run.Train), ("holdout", run.Holdout) })
        {
            foreach (var a in new[] { 0f, 1f })
            {
                var g = set.Where(r => r.Afam == a).ToList();
                var p = g.Select(r => run.Baseline.Probability(run.Scaler.Transform(r))).ToList();
                output.WriteLine($"{name} afam={a} n={g.Count} deny={g.Count(r => r.Deny)} sel={p.Count(v => v > 0.5)} mean={p.Average():0.000} max={p.Max():0.000}");
            }
        }
    }
}
