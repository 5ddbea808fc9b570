namespace Warden.Core.Onnx.Quantization;

/// <summary>
/// Symmetric int8 quantisation of a weight tensor: <c>q = clamp(round(w / s), −127, 127)</c> with zero point 0 and
/// <c>s = max|w| / 127</c> per tensor or per channel, the scheme of ONNX Runtime's quantisation tool for symmetric int8
/// weights (<c>onnxruntime/python/tools/quantization/quant_utils.py</c>, <c>compute_scale_zp</c> with <c>symmetric=True</c>;
/// Jacob et al., "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", CVPR 2018).
/// The range is −127..127, not −128..127, so that negating a value never overflows. Rounding is half to even, as numpy's.
/// </summary>
public static class SymmetricInt8
{
    /// <summary>Largest quantised magnitude.</summary>
    public const int QMax = 127;

    /// <summary>Quantises <paramref name="values"/> laid out as <paramref name="outer"/> × <paramref name="channels"/> × <paramref name="inner"/> (row-major), one scale per channel.</summary>
    /// <param name="values">Weights.</param>
    /// <param name="outer">Product of the dimensions before the channel axis.</param>
    /// <param name="channels">Size of the channel axis; 1 for a per-tensor scale.</param>
    /// <param name="inner">Product of the dimensions after the channel axis.</param>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> values, int outer, int channels, int inner)
    {
        if ((long)outer * channels * inner != values.Length)
        {
            throw new ArgumentException($"layout {outer}×{channels}×{inner} does not match {values.Length} values", nameof(values));
        }

        var absMax = new float[channels];
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var start = ((o * channels) + c) * inner;
                for (var i = 0; i < inner; i++)
                {
                    absMax[c] = MathF.Max(absMax[c], MathF.Abs(values[start + i]));
                }
            }
        }

        // An all-zero channel would get scale 0 and a division by zero; any positive scale quantises it exactly to 0.
        var scales = absMax.Select(m => m > 0 ? m / QMax : 1f).ToArray();
        var result = new sbyte[values.Length];
        for (var o = 0; o < outer; o++)
        {
            for (var c = 0; c < channels; c++)
            {
                var start = ((o * channels) + c) * inner;
                for (var i = 0; i < inner; i++)
                {
                    var q = MathF.Round(values[start + i] / scales[c], MidpointRounding.ToEven);
                    result[start + i] = (sbyte)Math.Clamp(q, -QMax, QMax);
                }
            }
        }

        return (result, scales);
    }
}
