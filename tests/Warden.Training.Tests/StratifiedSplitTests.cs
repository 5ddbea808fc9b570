namespace Warden.Training.Tests;

public class StratifiedSplitTests
{
    [Fact]
    public void Each_class_keeps_its_share_in_the_holdout()
    {
        // 10 positives and 40 negatives: round(0.2 × 10) = 2 and round(0.2 × 40) = 8 held out.
        var rows = Enumerable.Range(0, 50).ToArray();

        var (train, holdout) = StratifiedSplit.Split(rows, i => i < 10, 0.2, seed: 1);

        Assert.Equal(2, holdout.Count(i => i < 10));
        Assert.Equal(8, holdout.Count(i => i >= 10));
        Assert.Equal(40, train.Count);
        Assert.Equal(rows, train.Concat(holdout).Order());
    }

    [Fact]
    public void Hmda_split_holds_out_57_denials_and_419_approvals()
    {
        var rows = HmdaDataset.Load(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));

        // 285 denials: round(57.0) = 57; 2095 approvals: round(419.0) = 419.
        var (train, holdout) = StratifiedSplit.Split(rows, r => r.Deny, 0.2, seed: 42);

        Assert.Equal(57, holdout.Count(r => r.Deny));
        Assert.Equal(419, holdout.Count(r => !r.Deny));
        Assert.Equal(1904, train.Count);
    }

    [Fact]
    public void Same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var rows = Enumerable.Range(0, 200).ToArray();

        var first = StratifiedSplit.Split(rows, i => i % 5 == 0, 0.2, seed: 42).Holdout;
        var again = StratifiedSplit.Split(rows, i => i % 5 == 0, 0.2, seed: 42).Holdout;
        var other = StratifiedSplit.Split(rows, i => i % 5 == 0, 0.2, seed: 7).Holdout;

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first.Order(), first);
    }
}
