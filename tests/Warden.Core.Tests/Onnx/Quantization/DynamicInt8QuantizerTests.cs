using Google.Protobuf;
using Warden.Core.Onnx.Proto;
using Warden.Core.Onnx.Quantization;

namespace Warden.Core.Tests.Onnx.Quantization;

public class DynamicInt8QuantizerTests
{
    // Error bound of one output of a quantised dot product Σ_k x_k·w_k, with x̃ = x + e_x and w̃ = w + e_w:
    // |Σ x̃w̃ − Σ xw| ≤ Σ |x_k|·|e_w| + |w_k|·|e_x| + |e_x|·|e_w|, with |e_w| ≤ s_w/2 (round to nearest) and
    // |e_x| ≤ s_x (s_x/2 for rounding plus up to s_x/2 more when the rounded zero point shifts the clamp at 255).
    private static float DotBound(IEnumerable<(float X, float W)> terms, float sx, float sw) =>
        terms.Sum(t => (Math.Abs(t.X) * sw / 2) + (Math.Abs(t.W) * sx) + (sx * sw / 2)) * 1.0001f + 1e-5f;

    [Theory]
    [InlineData(WeightGranularity.PerTensor)]
    [InlineData(WeightGranularity.PerChannel)]
    public void MatMul_becomes_integer_matmul_within_the_quantisation_error(WeightGranularity granularity)
    {
        const int rows = 4, k = 32, n = 6;
        var w = QuantTestGraphs.Uniform(1, k * n, -1f, 1f);
        for (var i = 0; i < k; i++)
        {
            w[(i * n) + 5] *= 0.01f; // a column 100× smaller than the rest: per-channel scales must keep it precise
        }

        var x = QuantTestGraphs.Uniform(2, rows * k, -2f, 3f);
        var fp32 = QuantTestGraphs.MatMul(rows, k, n, w).ToByteArray();
        var (int8, report) = ModelQuantizer.Quantize(fp32, new QuantizationOptions { Granularity = granularity });

        var quantizedModel = ModelProto.Parser.ParseFrom(int8);
        Assert.Equal(["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul"], quantizedModel.Graph.Node.Select(nd => nd.OpType));
        Assert.Equal(1, report.QuantizedCount);
        Assert.DoesNotContain(quantizedModel.Graph.Initializer, t => t.Name == "W");

        // uint8 weights with zero point 128: int8 weights saturate ONNX Runtime's 16-bit pair sums on x86 CPUs without VNNI.
        var integer = quantizedModel.Graph.Node.Single(nd => nd.OpType == "MatMulInteger");
        Assert.Equal((int)TensorProto.Types.DataType.Uint8, quantizedModel.Graph.Initializer.Single(t => t.Name == integer.Input[1]).DataType);
        Assert.Equal([128], quantizedModel.Graph.Initializer.Single(t => t.Name == integer.Input[3]).RawData.ToByteArray());

        var expected = QuantTestGraphs.Run(fp32, x, [rows, k]);
        var actual = QuantTestGraphs.Run(int8, x, [rows, k]);
        var sx = QuantTestGraphs.ActivationScale(x);
        var differs = false;
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < n; j++)
            {
                var sw = granularity == WeightGranularity.PerChannel
                    ? Enumerable.Range(0, k).Max(i => Math.Abs(w[(i * n) + j])) / 127f
                    : w.Max(Math.Abs) / 127f;
                var bound = DotBound(Enumerable.Range(0, k).Select(i => (x[(r * k) + i], w[(i * n) + j])), sx, sw);
                var error = Math.Abs(actual[(r * n) + j] - expected[(r * n) + j]);
                Assert.True(error <= bound, $"y[{r},{j}]: |{actual[(r * n) + j]} − {expected[(r * n) + j]}| = {error} > bound {bound}");
                differs |= error > 0;
            }
        }

        Assert.True(differs, "the quantised model returned exactly the float results: nothing was quantised");
    }

    [Fact]
    public void Per_channel_scales_keep_a_small_column_more_precise_than_one_tensor_scale()
    {
        const int rows = 4, k = 32, n = 6;
        var w = QuantTestGraphs.Uniform(1, k * n, -1f, 1f);
        for (var i = 0; i < k; i++)
        {
            w[(i * n) + 5] *= 0.01f;
        }

        var x = QuantTestGraphs.Uniform(2, rows * k, -2f, 3f);
        var fp32 = QuantTestGraphs.MatMul(rows, k, n, w).ToByteArray();
        var expected = QuantTestGraphs.Run(fp32, x, [rows, k]);
        float SmallColumnError(WeightGranularity g)
        {
            var y = QuantTestGraphs.Run(ModelQuantizer.Quantize(fp32, new QuantizationOptions { Granularity = g }).Model, x, [rows, k]);
            return Enumerable.Range(0, rows).Sum(r => Math.Abs(y[(r * n) + 5] - expected[(r * n) + 5]));
        }

        Assert.True(SmallColumnError(WeightGranularity.PerChannel) < SmallColumnError(WeightGranularity.PerTensor));
    }

    [Fact]
    public void Gemm_with_transB_alpha_and_beta_is_split_into_integer_matmul_and_bias_add()
    {
        const int rows = 3, k = 24, n = 5;
        const float alpha = 0.5f, beta = 2f;
        var b = QuantTestGraphs.Uniform(3, n * k, -0.5f, 0.5f);
        var c = QuantTestGraphs.Uniform(4, n, -1f, 1f);
        var x = QuantTestGraphs.Uniform(5, rows * k, -1f, 1f);
        var fp32 = QuantTestGraphs.GemmTransB(rows, k, n, b, c, alpha, beta).ToByteArray();
        var (int8, report) = ModelQuantizer.Quantize(fp32, new QuantizationOptions());

        var ops = ModelProto.Parser.ParseFrom(int8).Graph.Node.Select(nd => nd.OpType).ToArray();
        Assert.DoesNotContain("Gemm", ops);
        Assert.Equal(["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul", "Add"], ops);
        Assert.Equal(1, report.QuantizedCount);

        var expected = QuantTestGraphs.Run(fp32, x, [rows, k]);
        var actual = QuantTestGraphs.Run(int8, x, [rows, k]);
        var sx = QuantTestGraphs.ActivationScale(x);
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < n; j++)
            {
                // B is [n,k]: output j reads row j. alpha scales the whole product, so its error bound too.
                var sw = Enumerable.Range(0, k).Max(i => Math.Abs(b[(j * k) + i])) / 127f;
                var bound = alpha * DotBound(Enumerable.Range(0, k).Select(i => (x[(r * k) + i], b[(j * k) + i])), sx, sw);
                Assert.True(Math.Abs(actual[(r * n) + j] - expected[(r * n) + j]) <= bound, $"y[{r},{j}] {actual[(r * n) + j]} vs {expected[(r * n) + j]} (bound {bound})");
            }
        }

        // Hand check of one entry's bias term: with x = 0 every product is 0, so y = beta·c exactly.
        var zeros = QuantTestGraphs.Run(int8, new float[rows * k], [rows, k]);
        Assert.Equal(beta * c[2], zeros[2], 6);
    }

    [Theory]
    [InlineData(WeightGranularity.PerTensor)]
    [InlineData(WeightGranularity.PerChannel)]
    public void Conv_becomes_conv_integer_with_broadcast_scale_and_bias(WeightGranularity granularity)
    {
        const int c = 3, h = 6, wd = 6, m = 4;
        var weight = QuantTestGraphs.Uniform(6, m * c * 9, -0.8f, 0.8f);
        var bias = QuantTestGraphs.Uniform(7, m, -1f, 1f);
        var x = QuantTestGraphs.Uniform(8, c * h * wd, 0f, 4f);
        var fp32 = QuantTestGraphs.Conv(c, h, wd, m, weight, bias).ToByteArray();
        var (int8, report) = ModelQuantizer.Quantize(fp32, new QuantizationOptions { Granularity = granularity });

        var graph = ModelProto.Parser.ParseFrom(int8).Graph;
        Assert.Equal(["DynamicQuantizeLinear", "ConvInteger", "Cast", "Mul", "Mul", "Add"], graph.Node.Select(nd => nd.OpType));
        Assert.Equal(1, report.QuantizedCount);
        if (granularity == WeightGranularity.PerChannel)
        {
            Assert.Contains(graph.Initializer, t => t.Name.StartsWith("W_scale", StringComparison.Ordinal) && t.Dims.SequenceEqual(new long[] { m, 1, 1 }));
        }

        var expected = QuantTestGraphs.Run(fp32, x, [1, c, h, wd]);
        var actual = QuantTestGraphs.Run(int8, x, [1, c, h, wd]);
        var sx = QuantTestGraphs.ActivationScale(x);
        for (var o = 0; o < m; o++)
        {
            var filter = weight.AsSpan(o * c * 9, c * 9).ToArray();
            var sw = (granularity == WeightGranularity.PerChannel ? filter.Max(Math.Abs) : weight.Max(Math.Abs)) / 127f;
            for (var i = 0; i < h; i++)
            {
                for (var j = 0; j < wd; j++)
                {
                    var terms = new List<(float, float)>();
                    for (var ch = 0; ch < c; ch++)
                    {
                        for (var di = -1; di <= 1; di++)
                        {
                            for (var dj = -1; dj <= 1; dj++)
                            {
                                if (i + di >= 0 && i + di < h && j + dj >= 0 && j + dj < wd)
                                {
                                    terms.Add((x[(ch * h * wd) + ((i + di) * wd) + j + dj], filter[(ch * 9) + ((di + 1) * 3) + dj + 1]));
                                }
                            }
                        }
                    }

                    var at = (o * h * wd) + (i * wd) + j;
                    var bound = DotBound(terms, sx, sw);
                    Assert.True(Math.Abs(actual[at] - expected[at]) <= bound, $"y[{o},{i},{j}] {actual[at]} vs {expected[at]} (bound {bound})");
                }
            }
        }
    }

    [Fact]
    public void Opset_8_conv_model_is_raised_to_opset_11_and_batch_norm_loses_spatial()
    {
        const int c = 2, h = 4, wd = 4, m = 2;
        var model = QuantTestGraphs.Conv(c, h, wd, m, QuantTestGraphs.Uniform(9, m * c * 9, -1f, 1f), [0.1f, -0.1f], opset: 8);
        model.IrVersion = 3;
        model.Graph.Input.Add(Onnx.TinyModel.Tensor("W", TensorProto.Types.DataType.Float, m, c, 3, 3));
        model.Graph.Input.Add(Onnx.TinyModel.Tensor("bias", TensorProto.Types.DataType.Float, m));
        model.Graph.Output[0].Name = "conv_out";
        model.Graph.Node[0].Output[0] = "conv_out";
        foreach (var (name, value) in new[] { ("scale", 1f), ("shift", 0f), ("mean", 0f), ("var", 1f) })
        {
            model.Graph.Initializer.Add(OnnxTensors.Float(name, [m], Enumerable.Repeat(value, m).ToArray()));
            model.Graph.Input.Add(Onnx.TinyModel.Tensor(name, TensorProto.Types.DataType.Float, m));
        }

        model.Graph.Node.Add(new NodeProto
        {
            OpType = "BatchNormalization",
            Input = { "conv_out", "scale", "shift", "mean", "var" },
            Output = { "y" },
            Attribute = { OnnxTensors.IntAttribute("spatial", 1) },
        });
        model.Graph.Output[0].Name = "y";
        var fp32 = model.ToByteArray();
        var (int8, report) = ModelQuantizer.Quantize(fp32, new QuantizationOptions());

        Assert.Equal(8, report.OpsetBefore);
        Assert.Equal(11, report.OpsetAfter);
        var parsed = ModelProto.Parser.ParseFrom(int8);
        Assert.Equal(["x"], parsed.Graph.Input.Select(v => v.Name));
        Assert.DoesNotContain(parsed.Graph.Node.Single(nd => nd.OpType == "BatchNormalization").Attribute, a => a.Name == "spatial");
        var x = QuantTestGraphs.Uniform(10, c * h * wd, -1f, 1f);
        var expected = QuantTestGraphs.Run(fp32, x, [1, c, h, wd]);
        var actual = QuantTestGraphs.Run(int8, x, [1, c, h, wd]);
        Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) < 0.1f, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void Opset_upgrade_refuses_an_operator_whose_meaning_changes()
    {
        var model = QuantTestGraphs.MatMul(1, 4, 2, QuantTestGraphs.Uniform(11, 8, -1f, 1f));
        model.OpsetImport[0].Version = 10;
        model.Graph.Output[0].Name = "mm_out";
        model.Graph.Node[0].Output[0] = "mm_out";
        model.Graph.Node.Add(new NodeProto { OpType = "Softmax", Input = { "mm_out" }, Output = { "y" } });
        model.Graph.Output[0].Name = "y";
        model.OpsetImport[0].Version = 10;

        // Softmax is stable to 12, so 11 is allowed; weight-only per channel needs 13, where Softmax changes meaning.
        var ex = Assert.Throws<NotSupportedException>(() => ModelQuantizer.Quantize(model.ToByteArray(), new QuantizationOptions { Mode = QuantizationMode.WeightOnly }));
        Assert.Contains("Softmax", ex.Message, StringComparison.Ordinal);
        Assert.Equal(11, ModelQuantizer.Quantize(model.ToByteArray(), new QuantizationOptions()).Report.OpsetAfter);
    }

    [Fact]
    public void Weight_only_mode_stores_int8_and_dequantizes_to_within_half_a_step()
    {
        const int rows = 2, k = 64, n = 8;
        var w = QuantTestGraphs.Uniform(12, k * n, -1f, 1f);
        var x = QuantTestGraphs.Uniform(13, rows * k, -1f, 1f);
        var fp32 = QuantTestGraphs.MatMul(rows, k, n, w).ToByteArray();
        var (int8, report) = ModelQuantizer.Quantize(fp32, new QuantizationOptions { Mode = QuantizationMode.WeightOnly });

        var graph = ModelProto.Parser.ParseFrom(int8).Graph;
        Assert.Equal(["DequantizeLinear", "MatMul"], graph.Node.Select(nd => nd.OpType));
        Assert.Equal((int)TensorProto.Types.DataType.Int8, graph.Initializer.Single(t => t.Name == "W_quantized").DataType);
        Assert.True(report.BytesAfter < report.BytesBefore * 0.4, $"{report.BytesAfter} of {report.BytesBefore} bytes");

        // Activations stay float, so only the weight rounding error remains: Σ_k |x_k| · s_w / 2.
        var expected = QuantTestGraphs.Run(fp32, x, [rows, k]);
        var actual = QuantTestGraphs.Run(int8, x, [rows, k]);
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < n; j++)
            {
                var sw = Enumerable.Range(0, k).Max(i => Math.Abs(w[(i * n) + j])) / 127f;
                var bound = (Enumerable.Range(0, k).Sum(i => Math.Abs(x[(r * k) + i])) * sw / 2 * 1.0001f) + 1e-5f;
                Assert.True(Math.Abs(actual[(r * n) + j] - expected[(r * n) + j]) <= bound);
            }
        }
    }

    [Fact]
    public void Symmetric_int8_rounds_half_to_even_with_zero_point_zero()
    {
        // max|w| = 1.27 → s = 0.01; 0.005/0.01 = 0.5 → 0 (even), 0.015/0.01 = 1.5 → 2, −1.27 → −127, 0.634 → 63.4 → 63.
        var (q, scales) = SymmetricInt8.Quantize([0.005f, 0.015f, -1.27f, 0.634f, 1.27f], 1, 1, 5);
        Assert.Equal(0.01f, scales[0], 6);
        Assert.Equal(new sbyte[] { 0, 2, -127, 63, 127 }, q);
    }

    [Fact]
    public void All_zero_channel_gets_a_usable_scale()
    {
        var (q, scales) = SymmetricInt8.Quantize([0f, 0f, 2.54f, -1.27f], 1, 2, 2);
        Assert.Equal([1f, 0.02f], scales);
        Assert.Equal(new sbyte[] { 0, 0, 127, -64 }, q);
    }

    [Fact]
    public void A_weight_computed_at_run_time_is_reported_and_left_in_float()
    {
        var model = QuantTestGraphs.MatMul(1, 2, 2, [1f, 2f, 3f, 4f]);
        model.Graph.Node.Insert(0, new NodeProto { OpType = "Identity", Input = { "W" }, Output = { "W_copy" } });
        model.Graph.Node[1].Input[1] = "W_copy";
        var (bytes, report) = ModelQuantizer.Quantize(model.ToByteArray(), new QuantizationOptions());
        Assert.Equal(0, report.QuantizedCount);
        Assert.Contains("run time", report.Nodes.Single().Reason, StringComparison.Ordinal);
        Assert.Equal([7f, 10f], QuantTestGraphs.Run(bytes, [1f, 2f], [1, 2]));
    }
}
