using Google.Protobuf;
using Warden.Core.Onnx.Proto;
using Warden.Core.Onnx.Quantization;

namespace Warden.Core.Tests.Onnx.Quantization;

public class WeightDequantizerTests
{
    [Theory]
    [InlineData(WeightGranularity.PerTensor)]
    [InlineData(WeightGranularity.PerChannel)]
    public void Expanding_at_load_gives_the_same_outputs_as_dequantize_linear_and_removes_it(WeightGranularity granularity)
    {
        const int c = 3, h = 5, wd = 5, m = 4;
        var fp32 = QuantTestGraphs.Conv(c, h, wd, m, QuantTestGraphs.Uniform(20, m * c * 9, -1f, 1f), [0.5f, -0.5f, 0f, 1f]).ToByteArray();
        var (stored, _) = ModelQuantizer.Quantize(fp32, new QuantizationOptions { Mode = QuantizationMode.WeightOnly, Granularity = granularity });
        var expanded = WeightDequantizer.Expand(stored);

        var graph = ModelProto.Parser.ParseFrom(expanded).Graph;
        Assert.Equal(["Conv"], graph.Node.Select(n => n.OpType));
        Assert.Equal((int)TensorProto.Types.DataType.Float, graph.Initializer.Single(t => t.Name == "W").DataType);
        Assert.DoesNotContain(graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);

        var x = QuantTestGraphs.Uniform(21, c * h * wd, -1f, 1f);
        var viaRuntime = QuantTestGraphs.Run(stored, x, [1, c, h, wd]);
        var viaExpansion = QuantTestGraphs.Run(expanded, x, [1, c, h, wd]);
        // Same weights, same float32 convolution; only summation order may differ.
        Assert.All(viaRuntime.Zip(viaExpansion), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5f, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void A_model_without_dequantisation_is_returned_unchanged()
    {
        var fp32 = QuantTestGraphs.MatMul(1, 2, 2, [1f, 2f, 3f, 4f]).ToByteArray();
        Assert.Same(fp32, WeightDequantizer.Expand(fp32));
    }
}
