using System.Text.Json;
using Warden.Client;
using Warden.Contracts.V2;

namespace Warden.Server.Tests.Client;

public sealed class TensorDataTests
{
    [Fact]
    public void Typed_inputs_serialise_as_the_protocols_flat_data_arrays()
    {
        var request = new InferenceRequest
        {
            Inputs =
            [
                InferenceInput.Fp32("f", [1, 2], 0.5f, 1.25f),
                InferenceInput.Int64("i", [2], 3, -4),
                InferenceInput.Bool("b", [1], true),
                InferenceInput.Bytes("s", [1], "a \"quoted\" text"),
            ],
        };

        var json = JsonSerializer.Serialize(request, WardenJsonContext.Default.InferenceRequest);

        Assert.Equal(
            """{"inputs":[{"name":"f","shape":[1,2],"datatype":"FP32","data":[0.5,1.25]},{"name":"i","shape":[2],"datatype":"INT64","data":[3,-4]},{"name":"b","shape":[1],"datatype":"BOOL","data":[true]},{"name":"s","shape":[1],"datatype":"BYTES","data":["a \u0022quoted\u0022 text"]}]}""",
            json);
    }

    [Fact]
    public void Response_data_reads_flat_or_nested_and_converts_between_numeric_kinds()
    {
        var response = JsonSerializer.Deserialize(
            """{"model_name":"m","id":"1","outputs":[{"name":"p","shape":[2,1],"datatype":"FP32","data":[[0.25],[0.75]]},{"name":"n","shape":[2],"datatype":"INT64","data":[1,0]},{"name":"t","shape":[1],"datatype":"BYTES","data":["x"]}]}""",
            WardenJsonContext.Default.InferenceResponse)!;

        Assert.Equal([0.25, 0.75], response.Outputs[0].Data.ToDoubleArray());
        Assert.Equal([0.25f, 0.75f], response.Outputs[0].Data.ToSingleArray());
        Assert.Equal([1L, 0L], response.Outputs[1].Data.ToInt64Array());
        Assert.Equal([true, false], response.Outputs[1].Data.ToBooleanArray());
        Assert.Equal(["x"], response.Outputs[2].Data.ToStringArray());
        Assert.Throws<InvalidOperationException>(() => response.Outputs[2].Data.ToDoubleArray());
        Assert.Throws<InvalidOperationException>(() => response.Outputs[0].Data.ToInt64Array());
    }

    [Fact]
    public void Mixed_data_and_a_shape_that_does_not_fit_are_refused()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"name":"x","shape":[2],"datatype":"FP32","data":[1,"a"]}""", WardenJsonContext.Default.InferenceOutput));
        var error = Assert.Throws<ArgumentException>(() => InferenceInput.Fp32("x", [2, 2], 1, 2, 3));
        Assert.Contains("holds 4 values but 3 were given", error.Message, StringComparison.Ordinal);
    }
}
