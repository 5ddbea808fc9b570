using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Warden.Training.Tabular;

namespace Warden.Training.Tests.Tabular;

/// <summary>Scores a <see cref="TabularTable"/> with an exported graph in ONNX Runtime: FLOAT [N,1] per numeric or yes/no column, STRING [N,1] per categorical one.</summary>
internal static class TabularOnnxScorer
{
    public static (bool[] Labels, float[] Probabilities) Score(byte[] model, TabularTable table)
    {
        using var session = new InferenceSession(model);
        var names = table.FeatureNames.ToArray();
        var inputs = new OrtValue[names.Length];
        try
        {
            for (var f = 0; f < names.Length; f++)
            {
                var kind = table.Kinds[names[f]];
                var raw = table.Values[names[f]];
                inputs[f] = kind == TabularColumnKind.Categorical
                    ? OrtValue.CreateFromStringTensor(new DenseTensor<string>(raw, [raw.Length, 1]))
                    : OrtValue.CreateTensorValueFromMemory(raw.Select(v => TabularEncoder.Number(kind, v)).ToArray(), [raw.Length, 1]);
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
