namespace Warden.Training.Transfer;

/// <summary>What <see cref="CombinedImageModel.Export"/> wrote and measured.</summary>
/// <param name="ModelPath">The combined <c>model.onnx</c>.</param>
/// <param name="TrainImages">Labelled images the head was trained on.</param>
/// <param name="TestImages">Images the head was scored on.</param>
/// <param name="TestAccuracy">Head accuracy on the test images.</param>
/// <param name="TestLogLoss">Head log-loss (bits) on the test images.</param>
/// <param name="CheckedImages">Test images also run through the written graph.</param>
/// <param name="MaxProbabilityDifference">Largest |ONNX − ML.NET| class probability over the checked images.</param>
public sealed record CombinedImageExport(
    string ModelPath, int TrainImages, int TestImages, double TestAccuracy, double TestLogLoss, int CheckedImages, double MaxProbabilityDifference);
