namespace Warden.Core.Onnx.Quantization;

/// <summary>Entry point: quantises a serialized ONNX model with <see cref="DynamicInt8Quantizer"/> or <see cref="WeightOnlyInt8Quantizer"/>.</summary>
public static class ModelQuantizer
{
    /// <summary>Returns the quantised model and what was done. The input bytes are not modified.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    /// <exception cref="NotSupportedException">The model's opset cannot be raised to the one the quantised operators need.</exception>
    public static (byte[] Model, QuantizationReport Report) Quantize(byte[] onnx, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(options);
        var editor = OnnxGraphEditor.Load(onnx);
        var model = editor.Model;
        var opsetBefore = OpsetUpgrade.DefaultOpset(model);
        if (options.LowerLinearRegressors)
        {
            LinearRegressorLowering.Apply(model);
        }

        var nodes = options.Mode == QuantizationMode.Dynamic
            ? DynamicInt8Quantizer.Quantize(model, options)
            : WeightOnlyInt8Quantizer.Quantize(model, options);
        editor.SetMetadata("warden.quantization", $"int8 {options.Mode.ToString().ToLowerInvariant()} {options.Granularity.ToString().ToLowerInvariant()}");
        var bytes = editor.ToBytes();
        return (bytes, new QuantizationReport(options.Mode, options.Granularity, nodes, onnx.Length, bytes.Length, opsetBefore, OpsetUpgrade.DefaultOpset(model)));
    }
}
