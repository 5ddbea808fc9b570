namespace Warden.Training.Tests;

/// <summary>Textbook binary-classification metrics, written independently of ML.NET's evaluator to check it.</summary>
internal static class IndependentMetrics
{
    /// <summary>ROC AUC as the Mann–Whitney statistic: P(score of a positive &gt; score of a negative), ties counting ½.</summary>
    public static double Auc(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var positives = scores.Where((_, i) => labels[i]).ToArray();
        var negatives = scores.Where((_, i) => !labels[i]).ToArray();
        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives)
            {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Length * negatives.Length);
    }

    /// <summary>Mean −log₂ of the probability given to the true class.</summary>
    public static double LogLossBits(IReadOnlyList<bool> labels, IReadOnlyList<float> probabilities) =>
        labels.Select((y, i) => -Math.Log2(y ? probabilities[i] : 1 - (double)probabilities[i])).Average();

    public static double Accuracy(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted) =>
        labels.Where((y, i) => y == predicted[i]).Count() / (double)labels.Count;

    public static double F1(IReadOnlyList<bool> labels, IReadOnlyList<bool> predicted)
    {
        var tp = labels.Where((y, i) => y && predicted[i]).Count();
        var fp = labels.Where((y, i) => !y && predicted[i]).Count();
        var fn = labels.Where((y, i) => y && !predicted[i]).Count();
        return 2.0 * tp / (2.0 * tp + fp + fn);
    }
}
