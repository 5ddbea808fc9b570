using Warden.Core.Fairness;
using Warden.Training.Mitigation;

namespace Warden.Training.Tests.Mitigation;

/// <summary>
/// Each mitigation lowers the disparity it targets on held-out HMDA predictions (seed 42). The pre- and post-processing methods and
/// adversarial debiasing are judged on out-of-fold predictions of a stratified 5-fold cross-validation (all 2,380 rows, 339 afam=yes),
/// because the single 20 % hold-out has only 54 afam=yes rows. Margins are about half of the measured change (docs/fairness.md).
/// </summary>
public class MitigationDirectionTests(HmdaMitigation hmda) : IClassFixture<HmdaMitigation>
{
    [Fact]
    public void Reweighing_lowers_the_out_of_fold_demographic_parity_difference()
    {
        var report = hmda.CrossValidated(MitigationMethod.Reweighing, FairnessConstraint.DemographicParity);
        var (before, after) = (report.CrossValidated![0], report.CrossValidated[1]);

        // Measured: 0.0684 → 0.0542.
        Assert.True(after.DemographicParityDifference <= before.DemographicParityDifference - 0.007, Show(before, after));
        Assert.True(after.Accuracy >= before.Accuracy - 0.01, Show(before, after));
    }

    [Fact]
    public void Resampling_lowers_the_out_of_fold_demographic_parity_difference()
    {
        var report = hmda.CrossValidated(MitigationMethod.Resampling, FairnessConstraint.DemographicParity);
        var (before, after) = (report.CrossValidated![0], report.CrossValidated[1]);

        // Measured: 0.0684 → 0.0532.
        Assert.True(after.DemographicParityDifference <= before.DemographicParityDifference - 0.007, Show(before, after));
        Assert.True(after.Accuracy >= before.Accuracy - 0.01, Show(before, after));
    }

    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, 0.02)]
    [InlineData(FairnessConstraint.EqualizedOdds, 0.01)]
    public void Adversarial_debiasing_with_adversary_weight_1_lowers_the_targeted_out_of_fold_disparity(FairnessConstraint constraint, double margin)
    {
        // AIF360's default weight 0.1 cuts the hold-out disparity on HMDA but not the out-of-fold one (docs/fairness.md); weight 1 does.
        var report = hmda.CrossValidated(MitigationMethod.Adversarial, constraint, new AdversarialOptions { Alpha = 1 });
        var (before, after) = (report.CrossValidated![0], report.CrossValidated[1]);

        // Measured through the CLI: DP 0.0684 → 0.0424; EO 0.0592 → 0.0337.
        Assert.True(Targeted(after, constraint) <= Targeted(before, constraint) - margin, Show(before, after));
        Assert.True(after.Accuracy >= before.Accuracy - 0.01, Show(before, after));
    }

    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, 0.03)]
    [InlineData(FairnessConstraint.EqualizedOdds, 0.02)]
    public void Threshold_post_processing_lowers_the_targeted_out_of_fold_disparity(FairnessConstraint constraint, double margin)
    {
        var report = hmda.CrossValidated(MitigationMethod.Threshold, constraint);
        var (before, after) = (report.CrossValidated![0], report.CrossValidated[1]);

        // Measured: DP 0.0684 → 0.0042; EO 0.0592 → 0.0177.
        Assert.True(Targeted(after, constraint) <= Targeted(before, constraint) - margin, Show(before, after));
        Assert.True(after.Accuracy >= before.Accuracy - 0.01, Show(before, after));
    }

    [Theory]
    [InlineData(FairnessConstraint.DemographicParity, 0.01)]
    [InlineData(FairnessConstraint.EqualizedOdds, 0.05)]
    public void Exponentiated_gradient_lowers_the_targeted_hold_out_disparity(FairnessConstraint constraint, double margin)
    {
        var report = MitigationTrainer.Run(hmda.Rows, MitigationMethod.ExponentiatedGradient, constraint, 42).Report;

        // Measured on the 476 hold-out rows: DP 0.0450 → 0.0240; EO 0.3023 → 0.1934 (randomised classifier, exact expectations).
        Assert.True(Targeted(report.After, constraint) <= Targeted(report.Before, constraint) - margin, Show(report.Before, report.After));
        Assert.True(report.After.Accuracy >= report.Before.Accuracy - 0.01, Show(report.Before, report.After));
        Assert.NotNull(report.Served);
    }

    private static double Targeted(MitigationMetrics m, FairnessConstraint constraint) =>
        (constraint == FairnessConstraint.DemographicParity ? m.DemographicParityDifference : m.EqualizedOddsDifference)!.Value;

    private static string Show(MitigationMetrics before, MitigationMetrics after) =>
        $"before DP {before.DemographicParityDifference} EO {before.EqualizedOddsDifference} acc {before.Accuracy}; " +
        $"after DP {after.DemographicParityDifference} EO {after.EqualizedOddsDifference} acc {after.Accuracy}";
}
