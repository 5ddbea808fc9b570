using Warden.Training.Adaptation;
using Warden.Training.Transfer;

namespace Warden.Training.Tests.Adaptation;

public class AdaptationExperimentTests
{
    [Fact]
    public void Platt_recalibration_on_fifty_target_rows_improves_calibration_and_keeps_the_ranking()
    {
        var (source, target) = HmdaDomainSplit.Split(HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv")));

        var (shift, ess, outcomes) = AdaptationExperiment.Run(source, target, [1, 2]);

        var baseline = outcomes.Single(o => o.Method == "source only");
        var platt = outcomes.Single(o => o.Method == "source + Platt");
        var weighted = outcomes.Single(o => o.Method == "importance weighted");

        // Platt's map is increasing (A > 0), so the ranking and hence the AUC are unchanged.
        Assert.Equal(baseline.Auc.Mean, platt.Auc.Mean, 12);
        Assert.True(platt.LogLoss.Mean < baseline.LogLoss.Mean, $"Platt {platt.LogLoss.Mean} vs {baseline.LogLoss.Mean}");
        Assert.True(platt.Ece.Mean < baseline.Ece.Mean, $"Platt {platt.Ece.Mean} vs {baseline.Ece.Mean}");
        Assert.NotEqual(baseline.LogLoss.Mean, weighted.LogLoss.Mean);

        // The afam split is a real shift: the domain classifier separates it well above chance, and weighting costs samples.
        Assert.InRange(shift.DomainAuc, 0.65, 0.85);
        Assert.InRange(ess.Mean, 100, 2041 - 1);
        Assert.Equal(12, shift.Features.Count);
    }
}
