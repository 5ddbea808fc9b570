using System.Text;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Tests.Inference;

public sealed class InferenceRequestReaderTests
{
    private static readonly ModelSignature Fp32Pair =
        new([new TensorSpec("x", TensorDatatype.Fp32, [-1, 2])], [new TensorSpec("y", TensorDatatype.Fp32, [-1])]);

    [Fact]
    public void Data_sent_before_its_datatype_and_shape_binds_to_the_same_values_as_data_sent_after_them()
    {
        var usual = Bind(Fp32Pair, """{"inputs":[{"name":"x","shape":[2,2],"datatype":"FP32","data":[[1,2.5],[-3,4e2]]}]}""");
        var dataFirst = Bind(Fp32Pair, """{"inputs":[{"data":[[1,2.5],[-3,4e2]],"datatype":"FP32","name":"x","shape":[2,2]}]}""");

        Assert.Equal(new float[] { 1, 2.5f, -3, 400 }, (float[])usual.Data);
        Assert.Equal((float[])usual.Data, (float[])dataFirst.Data);
        Assert.Equal([2L, 2L], dataFirst.Shape);
    }

    [Fact]
    public void Escaped_names_fields_and_strings_read_as_their_unescaped_text()
    {
        var signature = new ModelSignature([new TensorSpec("x", TensorDatatype.Bytes, [2])], [new TensorSpec("y", TensorDatatype.Bytes, [2])]);
        var tensor = Bind(signature, """{"\u0069nputs":[{"n\u0061me":"\u0078","shape":[2],"datatype":"BYTES","data":["a\"b","\u00e9\n"]}]}""");

        Assert.Equal(["a\"b", "é\n"], (string[])tensor.Data);
    }

    [Fact]
    public void Request_id_parameters_and_requested_outputs_are_read_beside_the_inputs()
    {
        var request = Read("""{"id":"r-1","parameters":{"binary_data_output":true,"note":"n"},"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2],"parameters":{"p":3}}],"outputs":[{"name":"y","parameters":{"binary_data":false}}],"extension":{"a":[1]}}""");

        Assert.Equal("r-1", request.Id);
        Assert.Equal("n", request.GetStringParameter("note"));
        Assert.Equal(3, request.Inputs[0].Parameters!["p"].GetInt32());
        Assert.Equal(["y"], request.RequestedOutputs!);
        Assert.False(request.WantsBinary("y"));
        Assert.True(request.WantsBinary("z"));
    }

    [Theory]
    [InlineData("""{"id":5,"inputs":[""", "malformed JSON")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}]} {}""", "malformed JSON")]
    [InlineData("""[1,2]""", "request body must be a JSON object, not an array")]
    [InlineData("""{"inputs":{}}""", "\"inputs\" must be an array, not an object")]
    [InlineData("""{"inputs":[3]}""", "inputs[0] must be an object, not a number")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,{"a":1}],"datatype":"FP32","data":[1]}]}""", "inputs[0].shape[1] must be a non-negative integer, got {\"a\":1}")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]}""", "input 'x' has no \"data\"")]
    [InlineData("""{"inputs":[]}""", "\"inputs\" is empty")]
    public void Malformed_requests_are_refused_with_what_is_wrong(string body, string message)
    {
        var ex = Assert.Throws<WardenException>(() => Read(body));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // The model's datatype is checked before the values, though the reader met the bad value first.
    [InlineData("""{"name":"x","shape":[1,2],"datatype":"INT64","data":["a",2]}""", "has datatype INT64 but the model expects FP32")]
    // A wrong count is reported before a wrong value.
    [InlineData("""{"name":"x","shape":[1,2],"datatype":"FP32","data":["a"]}""", "input 'x' has 1 values but shape [1, 2] needs 2")]
    [InlineData("""{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,{"a":[1,2]}]}""", "input 'x' value 1 is {\"a\":[1,2]}, not a number")]
    [InlineData("""{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,1e39]}""", "input 'x' value 1 (1E+39) is out of range for FP32")]
    [InlineData("""{"name":"x","shape":[1,2],"datatype":"FP32","data":{"a":1}}""", "input 'x' data must be an array, not an object")]
    [InlineData("""{"data":null,"name":"x","shape":[1,2],"datatype":"FP32"}""", "input 'x' data must be an array, not null")]
    public void Data_is_refused_only_after_the_input_is_checked_against_the_model(string input, string message)
    {
        var ex = Assert.Throws<WardenException>(() => Bind(Fp32Pair, "{\"inputs\":[" + input + "]}"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_nested_deeper_than_32_levels_is_refused_before_its_count()
    {
        var data = new string('[', 34) + "1" + new string(']', 34);
        var ex = Assert.Throws<WardenException>(() => Bind(Fp32Pair, "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":" + data + "}]}"));
        Assert.Contains("input 'x' data is nested deeper than 32 levels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_names_read_as_sent_on_every_request_whether_plain_escaped_long_non_ascii_or_new()
    {
        // As JSON text: the second name is escaped in the body, the fourth is raw UTF-8.
        var names = new List<string> { "pirat", @"\u00e9t\u00e9", "x" + new string('n', 100), "caf\u00e9", "Pirat", "pirat " };
        names.AddRange(Enumerable.Range(0, 3_000).Select(i => $"feature_{i}"));
        var expected = names.Select(n => n.Replace(@"\u00e9", "\u00e9", StringComparison.Ordinal)).ToList();
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < names.Count; i++)
            {
                var request = Read($$"""{"inputs":[{"name":"{{names[i]}}","shape":[1],"datatype":"FP32","data":[1]}]}""");
                Assert.Equal(expected[i], request.Inputs[0].Name);
            }
        }
    }

    [Fact]
    public void An_input_name_that_is_not_valid_utf8_is_refused_on_every_request()
    {
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"ab#","shape":[1],"datatype":"FP32","data":[1]}]}""");
        body[Array.IndexOf(body, (byte)'#')] = 0xFF;
        for (var round = 0; round < 3; round++)
        {
            Assert.Throws<InvalidOperationException>(() => InferenceRequestReader.Read(body));
        }
    }

    [Fact]
    public void A_shape_of_more_dimensions_than_the_reader_keeps_on_the_stack_is_read_whole()
    {
        var request = Read("""{"inputs":[{"name":"x","shape":[1,2,1,1,1,1,1,1,1,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}""");

        Assert.Equal([1L, 2, 1, 1, 1, 1, 1, 1, 1, 3], request.Inputs[0].Shape);
    }

    [Theory]
    [InlineData("""[1,1,1,1,1,1,1,1,1,-1]""", "inputs[0].shape[9] must be a non-negative integer, got -1")]
    [InlineData("""[1,"x",]""", "malformed JSON")]
    [InlineData("""[1,1.5]""", "inputs[0].shape[1] must be a non-negative integer, got 1.5")]
    public void A_bad_dimension_is_named_by_its_index_unless_the_body_is_not_json(string shape, string message)
    {
        var ex = Assert.Throws<WardenException>(() => Read("{\"inputs\":[{\"name\":\"x\",\"shape\":" + shape + ",\"datatype\":\"FP32\",\"data\":[1]}]}"));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_read_one_after_another_keep_their_own_shapes()
    {
        var request = Read("""{"inputs":[{"name":"a","shape":[1,2],"datatype":"FP32","data":[1,2]},{"name":"b","shape":[2,1],"datatype":"FP32","data":[1,2]},{"name":"c","shape":[1,2],"datatype":"FP32","data":[1,2]},{"name":"d","shape":[1],"datatype":"FP32","data":[1]}]}""");
        var again = Read("""{"inputs":[{"name":"a","shape":[1,2],"datatype":"FP32","data":[1,2]}]}""");

        Assert.Equal([1L, 2], request.Inputs[0].Shape);
        Assert.Equal([2L, 1], request.Inputs[1].Shape);
        Assert.Equal([1L, 2], request.Inputs[2].Shape);
        Assert.Equal([1L], request.Inputs[3].Shape);
        Assert.Equal([1L, 2], again.Inputs[0].Shape);
    }

    private static RawInferenceRequest Read(string json) => InferenceRequestReader.Read(Encoding.UTF8.GetBytes(json));

    private static NamedTensor Bind(ModelSignature signature, string json) => InputBinder.Bind("m", signature, Read(json).Inputs)[0];
}
