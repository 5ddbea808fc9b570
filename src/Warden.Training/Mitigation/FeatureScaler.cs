namespace Warden.Training.Mitigation;

/// <summary>
/// ML.NET's <c>NormalizeMinMax</c> with its default <c>fixZero = true</c>: each feature is multiplied by
/// 1 / max(|min|, |max|) over the training rows (1 when that is 0), so zero stays zero and the result lies in [−1, 1].
/// Written out so the same scale can be applied in C#, fed to ML.NET as a ready feature vector, and folded into ONNX.
/// </summary>
internal sealed class FeatureScaler
{
    private FeatureScaler(float[] scale) => Scale = scale;

    public float[] Scale { get; }

    public static FeatureScaler Fit(IReadOnlyList<HmdaApplication> rows) => Fit(rows.Select(r => r.Features()).ToArray());

    public static FeatureScaler Fit(IReadOnlyList<float[]> rows)
    {
        var scale = new float[rows[0].Length];
        for (var j = 0; j < scale.Length; j++)
        {
            var max = 0f;
            foreach (var r in rows)
            {
                max = Math.Max(max, Math.Abs(r[j]));
            }

            scale[j] = max > 0 ? 1f / max : 1f;
        }

        return new FeatureScaler(scale);
    }

    public float[] Transform(HmdaApplication row) => Transform(row.Features());

    public float[] Transform(float[] raw)
    {
        var x = (float[])raw.Clone();
        for (var j = 0; j < x.Length; j++)
        {
            x[j] *= Scale[j];
        }

        return x;
    }

    public float[][] Transform(IReadOnlyList<HmdaApplication> rows) => rows.Select(Transform).ToArray();

    public float[][] Transform(IReadOnlyList<float[]> rows) => rows.Select(Transform).ToArray();
}
