using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Warden.Core.Explanations;

namespace Warden.Core.Review;

/// <summary>The checks that send one prediction row to review; each returns a human-readable reason or nothing.</summary>
public static class ReviewTriggers
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Class probabilities of one row from a score output: several values are taken as the class distribution; a single
    /// value p is the positive-class probability of a binary model, i.e. [1 − p, p].
    /// </summary>
    public static double[] Probabilities(IReadOnlyList<double> rowScores) =>
        rowScores.Count == 1 ? [1 - rowScores[0], rowScores[0]] : [.. rowScores];

    /// <summary>Confidence (largest probability) and margin (largest minus second largest).</summary>
    public static (double Confidence, double Margin) ConfidenceAndMargin(double[] probabilities)
    {
        var sorted = probabilities.OrderDescending().ToArray();
        return (sorted[0], sorted.Length > 1 ? sorted[0] - sorted[1] : sorted[0]);
    }

    /// <summary>Reasons from the range and z-score checks of <paramref name="features"/> against the background.</summary>
    public static IEnumerable<string> OutOfDistribution(ReviewPolicy policy, IReadOnlyDictionary<string, object?> features, BackgroundSample background)
    {
        foreach (var name in background.ColumnNames)
        {
            // Range and z-score mean nothing for a categorical (text) column.
            if (!features.TryGetValue(name, out var value) || value is not double x || background.IsText(name))
            {
                continue;
            }

            var column = background.Column(name);
            if (policy.OutOfRange)
            {
                var (min, max) = (column.Min(), column.Max());
                if (x < min || x > max)
                {
                    yield return string.Create(Invariant, $"{name} = {x:G6} outside the background range [{min:G6}, {max:G6}]");
                }
            }

            if (policy.MaxZScore is { } limit && column.Length > 1)
            {
                var mean = column.Average();
                var sd = Math.Sqrt(column.Sum(v => (v - mean) * (v - mean)) / (column.Length - 1));
                if (sd > 0 && Math.Abs((x - mean) / sd) > limit)
                {
                    yield return string.Create(Invariant, $"{name} = {x:G6} has |z| = {Math.Abs((x - mean) / sd):F2} > {limit:G6} against the background");
                }
            }
        }
    }

    /// <summary>
    /// Deterministic audit draw: the first 8 bytes of SHA-256("seed:requestId") as a fraction of 2^64, compared with the
    /// rate; the same seed and id always give the same answer, and ids spread uniformly.
    /// </summary>
    public static bool AuditSampled(long seed, string requestId, double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(Invariant, $"{seed}:{requestId}")));
        var u = BitConverter.ToUInt64(hash, 0) / 18446744073709551616.0;
        return u < rate;
    }
}
