using System.Text.Json;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// Reads the <c>data</c> array of a V2 JSON input (nested or flat, row-major) straight into an array of the declared datatype,
/// in one pass of a <see cref="Utf8JsonReader"/>. Problems are returned, not thrown: the request reader tries this before it
/// knows the model, and the binder must still report a wrong name, datatype or shape before a bad value.
/// </summary>
internal static class JsonTensorData
{
    /// <summary>Deepest nesting of <c>data</c> arrays inside the outer one.</summary>
    private const int MaxNesting = 32;

    /// <summary>What reading one <c>data</c> array found.</summary>
    /// <param name="Values">The values, as many as fit in the expected count (the rest are only counted).</param>
    /// <param name="Count">How many leaf values the array holds.</param>
    /// <param name="NestingProblem">Set when the array is nested too deep; it comes before any count or value problem.</param>
    /// <param name="ValueProblem">The first leaf that is not a valid value of the datatype.</param>
    internal readonly record struct Result(Array Values, long Count, string? NestingProblem, string? ValueProblem)
    {
        /// <summary>True when the array holds exactly <paramref name="expected"/> valid values.</summary>
        public bool IsComplete(long expected) => NestingProblem is null && ValueProblem is null && Count == expected;
    }

    /// <summary>
    /// Reads the array whose <see cref="JsonTokenType.StartArray"/> is the reader's current token; leaves the reader on its
    /// end. <paramref name="source"/> is the reader's input, to quote bad values as sent.
    /// </summary>
    public static Result Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string name, TensorDatatype datatype, int expected)
    {
        var values = Allocate(datatype, expected);
        long count = 0;
        string? nesting = null;
        string? problem = null;
        var depth = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (++depth > MaxNesting)
                    {
                        nesting ??= $"input '{name}' data is nested deeper than {MaxNesting} levels";
                    }

                    continue;
                case JsonTokenType.EndArray:
                    if (depth-- == 0)
                    {
                        return new Result(values, count, nesting, problem);
                    }

                    continue;
            }

            if (nesting is null && problem is null)
            {
                problem = count < expected
                    ? Store(ref reader, source, name, datatype, values, (int)count)
                    : null;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                reader.Skip();
            }

            count++;
        }

        // The reader holds a complete, validated document, so the array always ends before the input does.
        throw new InvalidOperationException("data array has no end");
    }

    private static Array Allocate(TensorDatatype datatype, int count) => datatype switch
    {
        TensorDatatype.Fp32 => new float[count],
        TensorDatatype.Fp64 => new double[count],
        TensorDatatype.Fp16 => new Half[count],
        TensorDatatype.Int8 => new sbyte[count],
        TensorDatatype.Int16 => new short[count],
        TensorDatatype.Int32 => new int[count],
        TensorDatatype.Int64 => new long[count],
        TensorDatatype.UInt8 => new byte[count],
        TensorDatatype.UInt16 => new ushort[count],
        TensorDatatype.UInt32 => new uint[count],
        TensorDatatype.UInt64 => new ulong[count],
        TensorDatatype.Bool => new bool[count],
        TensorDatatype.Bytes => new string[count],
        _ => throw WardenException.BadRequest($"datatype {datatype.ToWire()} is not supported"),
    };

    // Stores the current leaf at values[index]; returns the refusal when it is not a valid value of the datatype.
    private static string? Store(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string name, TensorDatatype datatype, Array values, int index)
    {
        switch (datatype)
        {
            case TensorDatatype.Fp32 or TensorDatatype.Fp64 or TensorDatatype.Fp16:
                if (!TryNumber(ref reader, out var number))
                {
                    return NotA(ref reader, source, name, index, "a number");
                }

                // A finite JSON number can still overflow the declared type (1e308 as FP32 is infinity), which no model expects.
                switch (values)
                {
                    case float[] fp32 when float.IsFinite((float)number):
                        fp32[index] = (float)number;
                        return null;
                    case Half[] fp16 when Half.IsFinite((Half)number):
                        fp16[index] = (Half)number;
                        return null;
                    case double[] fp64:
                        fp64[index] = number;
                        return null;
                    default:
                        return $"input '{name}' value {index} ({number:R}) is out of range for {datatype.ToWire()}";
                }

            case TensorDatatype.UInt64:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var u64))
                {
                    return NotA(ref reader, source, name, index, "an unsigned 64-bit integer");
                }

                ((ulong[])values)[index] = u64;
                return null;
            case TensorDatatype.Bool:
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return NotA(ref reader, source, name, index, "true or false");
                }

                ((bool[])values)[index] = reader.TokenType == JsonTokenType.True;
                return null;
            case TensorDatatype.Bytes:
                if (reader.TokenType != JsonTokenType.String)
                {
                    return NotA(ref reader, source, name, index, "a string (BYTES data are JSON strings)");
                }

                ((string[])values)[index] = reader.GetString()!;
                return null;
            default:
                return StoreInteger(ref reader, source, name, datatype, values, index);
        }
    }

    private static string? StoreInteger(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string name, TensorDatatype datatype, Array values, int index)
    {
        (long Min, long Max) range = datatype switch
        {
            TensorDatatype.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorDatatype.Int16 => (short.MinValue, short.MaxValue),
            TensorDatatype.Int32 => (int.MinValue, int.MaxValue),
            TensorDatatype.UInt8 => (byte.MinValue, byte.MaxValue),
            TensorDatatype.UInt16 => (ushort.MinValue, ushort.MaxValue),
            TensorDatatype.UInt32 => (uint.MinValue, uint.MaxValue),
            _ => (long.MinValue, long.MaxValue),
        };
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            return NotA(ref reader, source, name, index, "an integer");
        }

        if (value < range.Min || value > range.Max)
        {
            return $"input '{name}' value {index} ({value}) is out of range for {datatype.ToWire()} [{range.Min}, {range.Max}]";
        }

        switch (values)
        {
            case sbyte[] int8: int8[index] = (sbyte)value; break;
            case short[] int16: int16[index] = (short)value; break;
            case int[] int32: int32[index] = (int)value; break;
            case byte[] uint8: uint8[index] = (byte)value; break;
            case ushort[] uint16: uint16[index] = (ushort)value; break;
            case uint[] uint32: uint32[index] = (uint)value; break;
            default: ((long[])values)[index] = value; break;
        }

        return null;
    }

    private static bool TryNumber(ref Utf8JsonReader reader, out double value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out value) && double.IsFinite(value);
    }

    private static string NotA(ref Utf8JsonReader reader, ReadOnlySpan<byte> source, string name, int index, string what)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            reader.Skip();
        }

        return $"input '{name}' value {index} is {InferenceRequestReader.Preview(source[start..(int)reader.BytesConsumed])}, not {what}";
    }
}
