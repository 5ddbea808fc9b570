namespace Warden.Training.Tests;

public class IndependentMetricsTests
{
    [Fact]
    public void Auc_counts_correctly_ordered_pairs()
    {
        // Positives {0.9, 0.4}, negatives {0.5, 0.1}: pairs (0.9>0.5) (0.9>0.1) (0.4<0.5) (0.4>0.1) → 3 of 4 = 0.75.
        Assert.Equal(0.75, IndependentMetrics.Auc([true, true, false, false], [0.9f, 0.4f, 0.5f, 0.1f]));

        // A tie counts half: positive 0.5 vs negative 0.5 → 0.5.
        Assert.Equal(0.5, IndependentMetrics.Auc([true, false], [0.5f, 0.5f]));
    }

    [Fact]
    public void Log_loss_is_in_bits_and_f1_uses_the_positive_class()
    {
        // p(true class) = 0.5 and 0.25: (−log2 0.5 − log2 0.25) / 2 = (1 + 2) / 2 = 1.5 bits.
        Assert.Equal(1.5, IndependentMetrics.LogLossBits([true, false], [0.5f, 0.75f]), 12);

        // labels 1,1,0,0 vs predicted 1,0,1,0: tp 1, fp 1, fn 1 → F1 = 2/(2+1+1) = 0.5; accuracy 2/4.
        Assert.Equal(0.5, IndependentMetrics.F1([true, true, false, false], [true, false, true, false]));
        Assert.Equal(0.5, IndependentMetrics.Accuracy([true, true, false, false], [true, false, true, false]));
    }
}
