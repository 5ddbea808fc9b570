using Microsoft.ML.OnnxRuntime;
using Warden.Core.Onnx;
using Warden.Training.Transfer;

namespace Warden.Training.Tests.Transfer;

/// <summary>Backbone features of the first 5 digits of each class (50 images), computed once for the class's tests.</summary>
public sealed class DigitFeatures
{
    public DigitFeatures()
    {
        var all = DigitImage.Load(Warden.Tests.RepoFiles.Path("samples/data/digits.csv"));
        Digits = all.GroupBy(d => d.Label).OrderBy(g => g.Key).SelectMany(g => g.Take(5)).ToArray();
        Backbone = ResNet18Backbone.Load().ToBytes();
        using var extractor = new ImageFeatureExtractor(Backbone);
        Features = extractor.Extract(Digits, d => d.ToRgbImage(), callers: 2);
    }

    public IReadOnlyList<DigitImage> Digits { get; }

    public byte[] Backbone { get; }

    public float[][] Features { get; }
}

public class ImageTransferTests(DigitFeatures data) : IClassFixture<DigitFeatures>
{
    [Fact]
    public void Rgb_image_interpolates_cells_bilinearly_with_dark_ink()
    {
        var pixels = new float[64];
        pixels[0] = 16;  // only the top-left cell has ink
        var image = new DigitImage(pixels, 3).ToRgbImage();

        const int side = 224;
        Assert.Equal(3 * side * side, image.Length);

        // (0,0): source position (0.5/28 − 0.5) lies outside the first centre; edges clamp → v = 16 → intensity 0.
        Assert.Equal(0f, image[0], 3);

        // (0,27): sx = 27.5/28 − 0.5 = 0.482143 between cells 0 (16) and 1 (0); rows clamp to row 0.
        // v = (1 − 0.482143)·16 = 8.285714 → 255·(1 − 8.285714/16) = 122.946; same in the blue plane.
        Assert.Equal(122.946f, image[27], 2);
        Assert.Equal(122.946f, image[(2 * side * side) + 27], 2);

        // Far from the ink: white.
        Assert.Equal(255f, image[(100 * side) + 100], 3);

        // A uniform grid stays uniform: v = 4 everywhere → 255·(1 − 4/16) = 191.25.
        Assert.All(new DigitImage(Enumerable.Repeat(4f, 64).ToArray(), 0).ToRgbImage(), v => Assert.Equal(191.25f, v, 3));
    }

    [Fact]
    public void Backbone_accepts_a_batch_and_gives_the_same_features_as_single_images()
    {
        using var extractor = new ImageFeatureExtractor(data.Backbone);
        var batch = data.Digits.Take(4).SelectMany(d => d.ToRgbImage()).ToArray();

        var batched = extractor.Run(batch, 4);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ResNet18Backbone.FeatureCount, batched[i].Length);
            for (var j = 0; j < batched[i].Length; j++)
            {
                Assert.True(Math.Abs(batched[i][j] - data.Features[i][j]) <= 1e-4f * Math.Max(1, Math.Abs(batched[i][j])),
                    $"image {i}, feature {j}: {batched[i][j]} vs {data.Features[i][j]}");
            }
        }

        // The features are informative (non-constant across images).
        Assert.NotEqual(data.Features[0], data.Features[10]);
    }

    [Fact]
    public void Read_back_head_parameters_reproduce_ml_net_probabilities()
    {
        var head = SoftmaxHead.Train(data.Features, data.Digits.Select(d => d.Label).ToArray(), seed: 1);

        var mlnet = head.PredictWithMlNet(data.Features);
        for (var i = 0; i < data.Features.Length; i++)
        {
            var mine = head.Predict(data.Features[i]);
            for (var c = 0; c < 10; c++)
            {
                Assert.True(Math.Abs(mine[c] - mlnet[i][c]) <= 1e-5, $"row {i} class {c}: {mine[c]} vs {mlnet[i][c]}");
            }
        }
    }

    [Fact]
    public void Combined_backbone_and_head_graph_equals_backbone_features_then_ml_net_head()
    {
        var train = Enumerable.Range(0, data.Digits.Count).Where(i => i % 5 < 3).ToArray();
        var head = SoftmaxHead.Train(train.Select(i => data.Features[i]).ToArray(), train.Select(i => data.Digits[i].Label).ToArray(), seed: 1);
        var combined = HeadGraphAppender.Append(OnnxGraphEditor.Load(data.Backbone), ResNet18Backbone.FeatureOutput, head);

        Assert.Equal(["image"], combined.Inputs.Select(v => v.Name));
        Assert.Equal(["N", "3", "224", "224"], combined.Inputs[0].Shape);
        Assert.Equal(["probabilities", "label"], combined.Outputs.Select(v => v.Name));

        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(combined.ToBytes(), options);
        var expected = head.PredictWithMlNet(data.Features);
        for (var start = 0; start < data.Digits.Count; start += 10)
        {
            var images = data.Digits.Skip(start).Take(10).SelectMany(d => d.ToRgbImage()).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(images, [10, 3, 224, 224]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["image"], [input], ["probabilities", "label"]);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            var labels = outputs[1].GetTensorDataAsSpan<long>().ToArray();
            for (var i = 0; i < 10; i++)
            {
                var row = expected[start + i];
                for (var c = 0; c < 10; c++)
                {
                    Assert.True(Math.Abs(probabilities[(i * 10) + c] - row[c]) <= 1e-4,
                        $"image {start + i} class {c}: ONNX {probabilities[(i * 10) + c]} vs ML.NET {row[c]}");
                }

                Assert.Equal(Array.IndexOf(row, row.Max()), (int)labels[i]);
            }
        }
    }

    [Fact]
    public void Few_shot_split_takes_k_per_class_for_training_and_the_second_half_for_testing()
    {
        var digits = DigitImage.Load(Warden.Tests.RepoFiles.Path("samples/data/digits.csv"));

        var (train, test) = FewShotImageCurve.Split(digits, 3, seed: 5);

        Assert.Equal(30, train.Length);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(3, train.Count(i => digits[i].Label == c)));
        Assert.Empty(train.Intersect(test));
        var expectedTest = digits.GroupBy(d => d.Label).Sum(g => g.Count() - (g.Count() / 2));
        Assert.Equal(expectedTest, test.Length);
    }

    [Fact]
    public void Multiclass_score_matches_a_hand_computation()
    {
        // Row 1: true class 0 with p 0.5 (arg-max, correct) → −log₂ 0.5 = 1 bit.
        // Row 2: true class 1 with p 0.25, arg-max class 2 (wrong) → 2 bits. Accuracy ½, log-loss 1.5.
        var (accuracy, logLoss) = FewShotImageCurve.Score([0, 1], [[0.5f, 0.3f, 0.2f], [0.25f, 0.25f, 0.5f]]);

        Assert.Equal(0.5, accuracy, 12);
        Assert.Equal(1.5, logLoss, 6);
    }
}
