using Microsoft.ML.OnnxRuntime;

namespace Warden.Training.Tests;

/// <summary>Scores HMDA rows with an exported credit-risk graph in ONNX Runtime, one [N,1] tensor per feature.</summary>
internal static class OnnxScorer
{
    public static (bool[] Labels, float[] Probabilities) Score(byte[] model, IReadOnlyList<HmdaApplication> rows)
    {
        using var session = new InferenceSession(model);
        var names = HmdaDataset.FeatureNames.ToArray();
        var inputs = new OrtValue[names.Length];
        try
        {
            for (var f = 0; f < names.Length; f++)
            {
                var column = rows.Select(r => r.Features()[f]).ToArray();
                inputs[f] = OrtValue.CreateTensorValueFromMemory(column, [rows.Count, 1]);
            }

            using var options = new RunOptions();
            using var results = session.Run(options, names, inputs, ["label", "probability"]);
            return (results[0].GetTensorDataAsSpan<bool>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }
}
