namespace Warden.Training.Transfer;

/// <summary>
/// k-shot learning curve on the digits: a <see cref="SoftmaxHead"/> trained on k labelled images per class, on frozen
/// ResNet18 features versus on the 64 raw pixels. For each seed every class is shuffled (seeded Fisher–Yates), its second
/// half is the test set and the first k of its first half the training set, so both inputs see the same images.
/// </summary>
public static class FewShotImageCurve
{
    /// <summary>Default shots per class.</summary>
    public static IReadOnlyList<int> DefaultShots { get; } = [1, 2, 5, 10, 20];

    /// <summary>Method name of the head on backbone features.</summary>
    public const string FeaturesMethod = "resnet18 features";

    /// <summary>Method name of the head on raw pixels.</summary>
    public const string PixelsMethod = "raw pixels";

    /// <summary>Runs the curve; <paramref name="features"/> holds the backbone features of each digit, in order.</summary>
    public static IReadOnlyList<LearningCurvePoint> Run(IReadOnlyList<DigitImage> digits, IReadOnlyList<float[]> features,
        IReadOnlyList<int> shots, IReadOnlyList<int> seeds, float l1 = SoftmaxHead.DefaultL1, float l2 = SoftmaxHead.DefaultL2)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(features);
        if (digits.Count != features.Count)
        {
            throw new ArgumentException("One feature vector per digit is needed.", nameof(features));
        }

        var points = new List<LearningCurvePoint>();
        foreach (var k in shots)
        {
            var results = new Dictionary<string, List<(double Accuracy, double LogLoss)>>
            {
                [FeaturesMethod] = [],
                [PixelsMethod] = [],
            };
            foreach (var seed in seeds)
            {
                var (train, test) = Split(digits, k, seed);
                var labels = test.Select(i => digits[i].Label).ToArray();
                foreach (var (method, inputs) in new[] { (FeaturesMethod, features), (PixelsMethod, digits.Select(d => d.Pixels).ToArray()) })
                {
                    var head = SoftmaxHead.Train(train.Select(i => inputs[i]).ToArray(), train.Select(i => digits[i].Label).ToArray(), seed, l1, l2);
                    results[method].Add(Score(labels, head.PredictWithMlNet(test.Select(i => inputs[i]).ToArray())));
                }
            }

            points.AddRange(results.Select(r => new LearningCurvePoint(r.Key, k, r.Value.Count, null,
                MetricSummary.Of(r.Value.Select(v => v.Accuracy).ToArray()), MetricSummary.Of(r.Value.Select(v => v.LogLoss).ToArray()))));
        }

        return points;
    }

    /// <summary>Indices of k training images per class and of the test images (the second half of each class).</summary>
    public static (int[] Train, int[] Test) Split(IReadOnlyList<DigitImage> digits, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var shuffle = new SeededShuffle(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, digits.Count).GroupBy(i => digits[i].Label).OrderBy(g => g.Key))
        {
            var indices = group.ToArray();
            shuffle.Shuffle(indices);
            var half = indices.Length / 2;
            if (k > half)
            {
                throw new ArgumentException($"Class {group.Key} has {indices.Length} images; at most {half} can be used for training.", nameof(k));
            }

            train.AddRange(indices.Take(k));
            test.AddRange(indices.Skip(half));
        }

        return (train.ToArray(), test.ToArray());
    }

    /// <summary>Accuracy (arg-max) and mean −log₂ of the true class's probability, clamped at 1e-15.</summary>
    public static (double Accuracy, double LogLoss) Score(IReadOnlyList<int> labels, IReadOnlyList<float[]> probabilities)
    {
        double correct = 0, loss = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var p = probabilities[i];
            var predicted = Array.IndexOf(p, p.Max());
            correct += predicted == labels[i] ? 1 : 0;
            loss -= Math.Log2(Math.Max(p[labels[i]], 1e-15));
        }

        return (correct / labels.Count, loss / labels.Count);
    }
}
