using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Warden.Contracts.Grpc;
using Warden.Core;
using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Server.Grpc;

/// <summary>Converts between the gRPC protocol's messages and the transport-neutral request and tensors of the inference path.</summary>
internal static class GrpcTensors
{
    /// <summary>Builds the request the inference path reads; typed contents are converted to the declared datatype with range checks.</summary>
    public static RawInferenceRequest ToRawRequest(ModelInferRequest request)
    {
        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != request.Inputs.Count)
        {
            throw WardenException.BadRequest($"raw_input_contents has {raw.Count} entries but there are {request.Inputs.Count} inputs; send one per input");
        }

        var inputs = new List<RawInput>(request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            var label = string.IsNullOrEmpty(input.Name) ? $"inputs[{i}]" : $"input '{input.Name}'";
            if (string.IsNullOrEmpty(input.Name))
            {
                throw WardenException.BadRequest($"{label} has no name");
            }

            if (input.Shape.Any(d => d < 0))
            {
                throw WardenException.BadRequest($"{label} shape [{string.Join(", ", input.Shape)}] has a negative dimension");
            }

            var rawInput = new RawInput(input.Name, input.Shape.ToArray(), input.Datatype, ToJson(input.Parameters));
            if (raw.Count > 0)
            {
                if (HasContents(input.Contents))
                {
                    throw WardenException.BadRequest($"{label} has contents while the request uses raw_input_contents; send one or the other");
                }

                rawInput = rawInput with { Binary = raw[i].Memory };
            }
            else if (TensorDatatypes.TryParse(input.Datatype, out var datatype))
            {
                rawInput = rawInput with { Values = FromContents(input.Name, datatype, input.Contents ?? new InferTensorContents()) };
            }
            else
            {
                // The binder names the unknown datatype; give it something empty to check first.
                rawInput = rawInput with { Values = Array.Empty<byte>() };
            }

            inputs.Add(rawInput);
        }

        if (inputs.Count == 0)
        {
            throw WardenException.BadRequest("the request has no inputs; the model needs at least one");
        }

        var outputs = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => o.Name).ToList();
        return new RawInferenceRequest(string.IsNullOrEmpty(request.Id) ? null : request.Id, ToJson(request.Parameters), inputs, outputs);
    }

    /// <summary>Builds the response; data goes in <c>raw_output_contents</c> when <paramref name="raw"/>, else in typed contents.</summary>
    public static ModelInferResponse ToResponse(InferenceResult result, bool raw)
    {
        var response = new ModelInferResponse { ModelName = result.Model, ModelVersion = result.Version, Id = result.Id };
        if (result.Context.HasResponseParameters)
        {
            foreach (var (name, value) in result.Context.ResponseParameters)
            {
                response.Parameters[name] = ToParameter(value);
            }
        }

        foreach (var output in result.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.Datatype.ToWire() };
            tensor.Shape.AddRange(output.Shape);
            if (raw)
            {
                response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(TensorBytes.Encode(output)));
            }
            else
            {
                tensor.Contents = ToContents(output);
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }

    private static bool HasContents(InferTensorContents? c) => c is not null && (c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count
        + c.UintContents.Count + c.Uint64Contents.Count + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count) > 0;

    // The protocol puts INT8/INT16/INT32 in int_contents and UINT8/16/32 in uint_contents; each value is range-checked
    // against the declared type, as JSON numbers are.
    private static Array FromContents(string name, TensorDatatype datatype, InferTensorContents contents) => datatype switch
    {
        TensorDatatype.Fp32 => Finite(name, contents.Fp32Contents.ToArray()),
        TensorDatatype.Fp64 => Finite(name, contents.Fp64Contents.ToArray()),
        TensorDatatype.Fp16 => Finite(name, contents.Fp32Contents.Select(v => (Half)v).ToArray()),
        TensorDatatype.Int8 => Narrow(name, contents.IntContents, sbyte.MinValue, sbyte.MaxValue, v => (sbyte)v),
        TensorDatatype.Int16 => Narrow(name, contents.IntContents, short.MinValue, short.MaxValue, v => (short)v),
        TensorDatatype.Int32 => contents.IntContents.ToArray(),
        TensorDatatype.Int64 => contents.Int64Contents.ToArray(),
        TensorDatatype.UInt8 => Narrow(name, contents.UintContents, byte.MaxValue, v => (byte)v),
        TensorDatatype.UInt16 => Narrow(name, contents.UintContents, ushort.MaxValue, v => (ushort)v),
        TensorDatatype.UInt32 => contents.UintContents.ToArray(),
        TensorDatatype.UInt64 => contents.Uint64Contents.ToArray(),
        TensorDatatype.Bool => contents.BoolContents.ToArray(),
        TensorDatatype.Bytes => contents.BytesContents.Select(b => b.ToStringUtf8()).ToArray(),
        _ => throw WardenException.BadRequest($"datatype {datatype.ToWire()} is not supported"),
    };

    private static InferTensorContents ToContents(NamedTensor tensor)
    {
        var contents = new InferTensorContents();
        switch (tensor.Datatype)
        {
            case TensorDatatype.Fp32: contents.Fp32Contents.AddRange((float[])tensor.Data); break;
            case TensorDatatype.Fp16: contents.Fp32Contents.AddRange(((Half[])tensor.Data).Select(h => (float)h)); break;
            case TensorDatatype.Fp64: contents.Fp64Contents.AddRange((double[])tensor.Data); break;
            case TensorDatatype.Int8: contents.IntContents.AddRange(((sbyte[])tensor.Data).Select(v => (int)v)); break;
            case TensorDatatype.Int16: contents.IntContents.AddRange(((short[])tensor.Data).Select(v => (int)v)); break;
            case TensorDatatype.Int32: contents.IntContents.AddRange((int[])tensor.Data); break;
            case TensorDatatype.Int64: contents.Int64Contents.AddRange((long[])tensor.Data); break;
            case TensorDatatype.UInt8: contents.UintContents.AddRange(((byte[])tensor.Data).Select(v => (uint)v)); break;
            case TensorDatatype.UInt16: contents.UintContents.AddRange(((ushort[])tensor.Data).Select(v => (uint)v)); break;
            case TensorDatatype.UInt32: contents.UintContents.AddRange((uint[])tensor.Data); break;
            case TensorDatatype.UInt64: contents.Uint64Contents.AddRange((ulong[])tensor.Data); break;
            case TensorDatatype.Bool: contents.BoolContents.AddRange((bool[])tensor.Data); break;
            case TensorDatatype.Bytes: contents.BytesContents.AddRange(((string[])tensor.Data).Select(ByteString.CopyFromUtf8)); break;
            default: throw new InvalidOperationException($"unsupported datatype {tensor.Datatype}");
        }

        return contents;
    }

    private static T[] Narrow<T>(string name, RepeatedField<int> values, int min, int max, Func<int, T> convert)
    {
        var result = new T[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            result[i] = value >= min && value <= max
                ? convert(value)
                : throw WardenException.BadRequest($"input '{name}' value {i} ({value}) is out of range for {typeof(T).Name} [{min}, {max}]");
        }

        return result;
    }

    private static T[] Narrow<T>(string name, RepeatedField<uint> values, uint max, Func<uint, T> convert)
    {
        var result = new T[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            result[i] = value <= max
                ? convert(value)
                : throw WardenException.BadRequest($"input '{name}' value {i} ({value}) is out of range for {typeof(T).Name} [0, {max}]");
        }

        return result;
    }

    private static float[] Finite(string name, float[] values) =>
        Array.FindIndex(values, v => !float.IsFinite(v)) is var bad and >= 0
            ? throw WardenException.BadRequest($"input '{name}' value {bad} is {values[bad]}, not a finite number")
            : values;

    private static double[] Finite(string name, double[] values) =>
        Array.FindIndex(values, v => !double.IsFinite(v)) is var bad and >= 0
            ? throw WardenException.BadRequest($"input '{name}' value {bad} is {values[bad]}, not a finite number")
            : values;

    private static Half[] Finite(string name, Half[] values) =>
        Array.FindIndex(values, v => !Half.IsFinite(v)) is var bad and >= 0
            ? throw WardenException.BadRequest($"input '{name}' value {bad} is out of range for FP16")
            : values;

    // The inference path reads parameters as JSON values (purpose, sensitive.*), whichever transport carried them.
    private static Dictionary<string, JsonElement>? ToJson(MapField<string, InferParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            result[name] = value.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.BoolParam => JsonSerializer.SerializeToElement(value.BoolParam),
                InferParameter.ParameterChoiceOneofCase.Int64Param => JsonSerializer.SerializeToElement(value.Int64Param),
                InferParameter.ParameterChoiceOneofCase.StringParam => JsonSerializer.SerializeToElement(value.StringParam),
                InferParameter.ParameterChoiceOneofCase.DoubleParam => JsonSerializer.SerializeToElement(value.DoubleParam),
                InferParameter.ParameterChoiceOneofCase.Uint64Param => JsonSerializer.SerializeToElement(value.Uint64Param),
                _ => JsonSerializer.SerializeToElement<object?>(null),
            };
        }

        return result;
    }

    private static InferParameter ToParameter(object? value) => value switch
    {
        bool b => new InferParameter { BoolParam = b },
        int i => new InferParameter { Int64Param = i },
        long l => new InferParameter { Int64Param = l },
        double d => new InferParameter { DoubleParam = d },
        float f => new InferParameter { DoubleParam = f },
        string s => new InferParameter { StringParam = s },
        null => new InferParameter { StringParam = "" },
        _ => new InferParameter { StringParam = JsonSerializer.Serialize(value) },
    };
}
