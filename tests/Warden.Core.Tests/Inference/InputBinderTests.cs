using System.Text.Json;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Tests.Inference;

public sealed class InputBinderTests
{
    private static readonly TensorDatatype[] AllTypes = Enum.GetValues<TensorDatatype>();

    [Theory]
    [InlineData("BOOL", "[true,false]", typeof(bool[]))]
    [InlineData("UINT8", "[0,255]", typeof(byte[]))]
    [InlineData("UINT16", "[0,65535]", typeof(ushort[]))]
    [InlineData("UINT32", "[0,4294967295]", typeof(uint[]))]
    [InlineData("UINT64", "[0,18446744073709551615]", typeof(ulong[]))]
    [InlineData("INT8", "[-128,127]", typeof(sbyte[]))]
    [InlineData("INT16", "[-32768,32767]", typeof(short[]))]
    [InlineData("INT32", "[-2147483648,2147483647]", typeof(int[]))]
    [InlineData("INT64", "[-9223372036854775808,9223372036854775807]", typeof(long[]))]
    [InlineData("FP16", "[0.5,-2]", typeof(Half[]))]
    [InlineData("FP32", "[0.5,-2]", typeof(float[]))]
    [InlineData("FP64", "[0.5,-2]", typeof(double[]))]
    [InlineData("BYTES", "[\"a\",\"é\"]", typeof(string[]))]
    public void Every_datatype_binds_to_its_typed_array_including_boundaries(string datatype, string data, Type expected)
    {
        Assert.True(TensorDatatypes.TryParse(datatype, out var type));
        var tensor = Bind(type, [2], $"[{{\"name\":\"x\",\"shape\":[2],\"datatype\":\"{datatype}\",\"data\":{data}}}]");
        Assert.IsType(expected, tensor.Data);
        Assert.Equal(2, tensor.Data.Length);
    }

    [Theory]
    [InlineData("INT8", "[128]", "out of range for INT8")]
    [InlineData("UINT8", "[-1]", "out of range for UINT8")]
    [InlineData("INT32", "[1.5]", "not an integer")]
    [InlineData("UINT64", "[-1]", "not an unsigned 64-bit integer")]
    [InlineData("BOOL", "[1]", "not true or false")]
    [InlineData("BYTES", "[1]", "not a string")]
    [InlineData("FP32", "[\"1\"]", "not a number")]
    [InlineData("FP32", "[null]", "not a number")]
    public void Out_of_range_and_wrongly_typed_values_are_rejected(string datatype, string data, string message)
    {
        Assert.True(TensorDatatypes.TryParse(datatype, out var type));
        var ex = Assert.Throws<WardenException>(() => Bind(type, [1], $"[{{\"name\":\"x\",\"shape\":[1],\"datatype\":\"{datatype}\",\"data\":{data}}}]"));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_and_flat_data_bind_to_the_same_row_major_values()
    {
        var flat = Bind(TensorDatatype.Fp32, [-1, 2], "[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]");
        var nested = Bind(TensorDatatype.Fp32, [-1, 2], "[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\"FP32\",\"data\":[[1,2],[3,4]]}]");
        Assert.Equal((float[])flat.Data, (float[])nested.Data);
    }

    [Fact]
    public void Absurd_shapes_are_refused_before_allocating()
    {
        var ex = Assert.Throws<WardenException>(() => Bind(TensorDatatype.Fp32, [-1, -1], "[{\"name\":\"x\",\"shape\":[100000000,100000000],\"datatype\":\"FP32\",\"data\":[1]}]"));
        Assert.Equal(413, ex.StatusCode);
    }

    [Fact]
    public void All_protocol_datatypes_round_trip_their_names()
    {
        foreach (var type in AllTypes)
        {
            Assert.True(TensorDatatypes.TryParse(type.ToWire(), out var parsed));
            Assert.Equal(type, parsed);
        }

        Assert.False(TensorDatatypes.TryParse("fp32", out _));
    }

    private static NamedTensor Bind(TensorDatatype type, long[] shape, string inputsJson)
    {
        var request = InferenceRequestReader.Read(System.Text.Encoding.UTF8.GetBytes("{\"inputs\":" + inputsJson + "}"));
        var signature = new ModelSignature([new TensorSpec("x", type, shape)], [new TensorSpec("y", type, shape)]);
        return InputBinder.Bind("m", signature, request.Inputs)[0];
    }
}
