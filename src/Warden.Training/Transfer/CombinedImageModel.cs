using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Warden.Training.Transfer;

/// <summary>
/// Builds the deployable digit classifier: a <see cref="SoftmaxHead"/> trained on k backbone-feature vectors per class and
/// appended to <see cref="ResNet18Backbone"/> with <see cref="HeadGraphAppender"/>, written as one <c>model.onnx</c> (input
/// <c>image</c> FLOAT [N,3,224,224] RGB 0–255; outputs <c>probabilities</c> FLOAT [N,10] and <c>label</c> INT64 [N,1]).
/// Before returning it runs the written graph on test images and measures its largest difference from the ML.NET head on the
/// extracted features.
/// </summary>
public static class CombinedImageModel
{
    /// <summary>Model name written to the metadata.</summary>
    public const string ModelName = "digits-resnet18";

    /// <summary>Trains, appends, writes and checks; see <see cref="CombinedImageExport"/>.</summary>
    public static CombinedImageExport Export(IReadOnlyList<DigitImage> digits, IReadOnlyList<float[]> features, int shots, int seed,
        string outPath, string? modelDirectory = null, int checkImages = 20, float l1 = SoftmaxHead.DefaultL1, float l2 = SoftmaxHead.DefaultL2)
    {
        ArgumentNullException.ThrowIfNull(digits);
        ArgumentNullException.ThrowIfNull(features);
        var (train, test) = FewShotImageCurve.Split(digits, shots, seed);
        var head = SoftmaxHead.Train(train.Select(i => features[i]).ToArray(), train.Select(i => digits[i].Label).ToArray(), seed, l1, l2);
        var testProbabilities = head.PredictWithMlNet(test.Select(i => features[i]).ToArray());
        var (accuracy, logLoss) = FewShotImageCurve.Score(test.Select(i => digits[i].Label).ToArray(), testProbabilities);

        var editor = HeadGraphAppender.Append(ResNet18Backbone.Load(modelDirectory), ResNet18Backbone.FeatureOutput, head)
            .SetMetadata("warden.name", ModelName)
            .SetMetadata("warden.label_output", HeadGraphAppender.LabelOutput)
            .SetMetadata("warden.training_seed", seed.ToString(CultureInfo.InvariantCulture))
            .SetMetadata("warden.shots_per_class", shots.ToString(CultureInfo.InvariantCulture))
            .SetMetadata("warden.backbone", "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (frozen)");
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var bytes = editor.ToBytes();
        File.WriteAllBytes(outPath, bytes);

        var check = test.Take(Math.Min(checkImages, test.Length)).ToArray();
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(bytes, options);
        using var input = OrtValue.CreateTensorValueFromMemory(check.SelectMany(i => digits[i].ToRgbImage()).ToArray(), [check.Length, 3, 224, 224]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [ResNet18Backbone.ImageInput], [input], [HeadGraphAppender.ProbabilitiesOutput]);
        var onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        double maxDifference = 0;
        for (var r = 0; r < check.Length; r++)
        {
            for (var c = 0; c < head.Classes; c++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(onnx[(r * head.Classes) + c] - testProbabilities[r][c]));
            }
        }

        return new CombinedImageExport(outPath, train.Length, test.Length, accuracy, logLoss, check.Length, maxDifference);
    }
}
