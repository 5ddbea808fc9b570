using System.Text.Json;
using Warden.Core.Predictions;
using Warden.Core.Tensors;
using Warden.Tests;

namespace Warden.Core.Tests.Predictions;

public sealed class PredictionSerializerTests
{
    [Fact]
    public void Compact_tensors_read_back_as_exactly_the_json_form_for_every_datatype()
    {
        var tensors = SomeTensors.EveryDatatype();
        var json = PredictionSerializer.Tensors(tensors);
        var compact = PredictionSerializer.StoredTensors(tensors, compactElements: 1);

        Assert.NotEqual(json, compact);
        Assert.Equal(json, PredictionSerializer.ToV2(compact));
    }

    [Fact]
    public void Only_numeric_tensors_at_or_above_the_threshold_are_stored_compact()
    {
        var compact = PredictionSerializer.StoredTensors(SomeTensors.EveryDatatype(), compactElements: 3);
        using var document = JsonDocument.Parse(compact);
        var raw = document.RootElement.EnumerateArray()
            .Where(t => t.TryGetProperty(PredictionSerializer.RawDataProperty, out _))
            .Select(t => t.GetProperty("name").GetString())
            .ToList();

        // BOOL and BYTES stay JSON whatever their size; FP32 with 6 elements and FP64/FP16 with 3 reach the threshold.
        Assert.Equal(["fp32", "fp64", "fp16"], raw);
    }

    [Fact]
    public void The_compact_form_holds_the_little_endian_bytes_as_base64()
    {
        var tensor = new NamedTensor("x", TensorDatatype.Int32, [2], new[] { 1, 258 });
        var compact = PredictionSerializer.StoredTensors([tensor], compactElements: 1);

        // 1 and 258 as little-endian int32: 01 00 00 00 02 01 00 00, base64 AQAAAAIBAAA=.
        Assert.Equal("[{\"name\":\"x\",\"datatype\":\"INT32\",\"shape\":[2],\"raw_data\":\"AQAAAAIBAAA=\"}]", compact);
    }

    [Fact]
    public void A_large_image_shrinks_and_reads_back_unchanged()
    {
        var random = new Random(7);
        var image = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.NextDouble()).ToArray();
        NamedTensor[] tensors = [new("image", TensorDatatype.Fp32, [1, 3, 224, 224], image)];
        var json = PredictionSerializer.Tensors(tensors);
        var compact = PredictionSerializer.StoredTensors(tensors, new PredictionLogOptions().CompactTensorElements);

        Assert.True(compact.Length < json.Length * 3 / 4, $"{compact.Length} vs {json.Length}");
        Assert.Equal(json, PredictionSerializer.ToV2(compact));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1.5]}]")]
    [InlineData("{\"x\":1}")]
    [InlineData("{\"raw_data\":\"AAAA\"}")]
    public void Stored_text_without_compact_tensors_passes_through_as_it_is(string stored) =>
        Assert.Equal(stored, PredictionSerializer.ToV2(stored));

    [Fact]
    public void Rows_written_before_compact_tensors_existed_pass_through_as_the_same_string()
    {
        var old = PredictionSerializer.Tensors(SomeTensors.EveryDatatype());

        Assert.Same(old, PredictionSerializer.ToV2(old));
    }

    [Fact]
    public void The_log_stores_large_tensors_compact_by_default_and_as_json_when_turned_off()
    {
        var record = new PredictionRecord("p", DateTimeOffset.UnixEpoch, "m", "1", "k", null,
            [new NamedTensor("image", TensorDatatype.UInt8, [2048], new byte[2048])], [new NamedTensor("y", TensorDatatype.Fp32, [1], new[] { 1f })], null, 1);

        var stored = PredictionSerializer.ToStored(record, new PredictionLogOptions());
        var off = PredictionSerializer.ToStored(record, new PredictionLogOptions { CompactTensorElements = 0 });

        Assert.Contains("\"raw_data\":", stored.InputsJson, StringComparison.Ordinal);
        Assert.Equal(PredictionSerializer.Tensors(record.Outputs), PredictionSerializer.ToV2(stored.OutputsJson));
        Assert.Equal(PredictionSerializer.Tensors(record.Outputs), off.OutputsJson);
        Assert.Equal(PredictionSerializer.Tensors(record.Inputs), off.InputsJson);
        Assert.Equal(off.InputsJson, PredictionSerializer.ToV2(stored.InputsJson));
        Assert.Equal(off.Features, stored.Features);
    }

    [Fact]
    public void A_tabular_row_is_stored_packed_and_reads_back_as_exactly_its_json()
    {
        var record = new PredictionRecord("p", DateTimeOffset.UnixEpoch, "credit-risk", "1", "k", null, SomeTensors.TabularRow(),
            [new NamedTensor("label", TensorDatatype.Int64, [1], new[] { 1L }), new NamedTensor("probabilities", TensorDatatype.Fp32, [1, 2], new[] { 0.25f, 0.75f })], null, 1);

        var stored = PredictionSerializer.ToStored(record, new PredictionLogOptions());

        Assert.StartsWith("~1", stored.InputsJson, StringComparison.Ordinal);
        Assert.StartsWith("~1", stored.OutputsJson, StringComparison.Ordinal);
        var json = PredictionSerializer.Tensors(record.Inputs);
        Assert.True(stored.InputsJson.Length < json.Length / 2, $"{stored.InputsJson.Length} vs {json.Length}");
        Assert.Equal(json, PredictionSerializer.ToV2(stored.InputsJson));
        Assert.Equal(PredictionSerializer.Tensors(record.Outputs), PredictionSerializer.ToV2(stored.OutputsJson));
        Assert.Equal(PredictionSerializer.ToStored(record).Features, stored.Features);
    }

    [Fact]
    public void Every_numeric_datatype_packs_and_reads_back_as_exactly_its_json()
    {
        // Extreme and non-finite values, FP16, an empty tensor; BOOL and BYTES left out (they are never packed).
        var numeric = SomeTensors.EveryDatatype().Where(t => t.Datatype is not (TensorDatatype.Bool or TensorDatatype.Bytes)).ToList();

        var packed = PredictionSerializer.StoredTensors(numeric, compactElements: 1_024);

        Assert.StartsWith("~1", packed, StringComparison.Ordinal);
        Assert.Equal(PredictionSerializer.Tensors(numeric), PredictionSerializer.ToV2(packed));
    }

    [Fact]
    public void The_packed_form_holds_names_datatypes_shapes_and_little_endian_bytes_as_base64()
    {
        var packed = PredictionSerializer.StoredTensors([new NamedTensor("x", TensorDatatype.Int32, [2], new[] { 1, 258 })], compactElements: 1_024);

        // 1 tensor; name of 1 byte "x"; INT32 = 7; rank 1; dimension 2 as zigzag 4; 2 elements; 01 00 00 00 02 01 00 00.
        Assert.Equal("~1AQF4BwEEAgEAAAACAQAA", packed);
    }

    [Fact]
    public void Lists_with_text_or_boolean_tensors_or_a_tensor_at_the_threshold_and_empty_lists_are_not_packed()
    {
        NamedTensor small = new("x", TensorDatatype.Fp32, [1], new[] { 1f });
        IReadOnlyList<NamedTensor>[] lists =
        [
            [small, new NamedTensor("t", TensorDatatype.Bytes, [1], new[] { "a" })],
            [small, new NamedTensor("b", TensorDatatype.Bool, [1], new[] { true })],
            [small, new NamedTensor("big", TensorDatatype.Fp32, [4], new float[4])],
            [],
        ];

        Assert.All(lists, list => Assert.False(PredictionSerializer.StoredTensors(list, compactElements: 4).StartsWith('~')));
        Assert.Equal(PredictionSerializer.Tensors([small]), PredictionSerializer.StoredTensors([small], compactElements: 0));
    }

    [Theory]
    [InlineData("~1")]
    [InlineData("~1AQF4BwEEAgEAAAACAQ")]
    [InlineData("~1AQF4BwEEAgEAAAACAQAAAA==")]
    [InlineData("~1AQF4DAEEAgEAAAACAQAA")]
    [InlineData("~1 not base64")]
    public void Malformed_packed_text_is_refused_as_invalid_data(string stored) =>
        Assert.Throws<InvalidDataException>(() => PredictionSerializer.ToV2(stored));
}
