namespace Warden.Training.Mitigation;

/// <summary>
/// Area under the ROC curve as the Mann–Whitney statistic (Hanley &amp; McNeil 1982, Radiology 143(1)):
/// the share of (positive, negative) pairs whose positive has the higher score, ties counting one half.
/// </summary>
internal static class RocAuc
{
    public static double Compute(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positives = labels.Count(l => l);
        var negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        // Sum of the (tie-averaged) ranks of the positives; U = R₊ − n₊(n₊ + 1)/2.
        var rankSum = 0.0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]])
                {
                    rankSum += rank;
                }
            }

            start = end + 1;
        }

        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }
}
