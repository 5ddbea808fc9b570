using System.Text.Json;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// Checks the inputs of a request against a model's signature and converts their JSON data to typed arrays.
/// Every rejection is a 400 naming the input and what is wrong, so nothing malformed reaches the runtime.
/// </summary>
public static class InputBinder
{
    /// <summary>Upper bound on elements in one input, to refuse absurd shapes before allocating.</summary>
    public const long MaxElements = 64L * 1024 * 1024;

    /// <summary>Binds <paramref name="inputs"/> to <paramref name="signature"/>; the result follows the signature's input order.</summary>
    public static NamedTensor[] Bind(string model, ModelSignature signature, IReadOnlyList<RawInput> inputs)
    {
        var bound = new NamedTensor[signature.Inputs.Count];
        foreach (var raw in inputs)
        {
            var position = IndexOf(signature, raw.Name);
            if (position < 0)
            {
                throw WardenException.BadRequest(
                    $"unknown input '{raw.Name}'; model '{model}' expects: {string.Join(", ", signature.Inputs.Select(i => i.Name))}");
            }

            if (bound[position] is not null)
            {
                throw WardenException.BadRequest($"input '{raw.Name}' appears more than once");
            }

            bound[position] = BindOne(signature.Inputs[position], raw);
        }

        for (var i = 0; i < bound.Length; i++)
        {
            if (bound[i] is null)
            {
                throw WardenException.BadRequest($"missing input '{signature.Inputs[i].Name}' ({signature.Inputs[i].Datatype.ToWire()} {signature.Inputs[i].ShapeText})");
            }
        }

        return bound;
    }

    /// <summary>
    /// Binds the inputs the request carries and tolerates missing ones (a pipeline whose rule decides needs no model input);
    /// unknown, repeated or malformed inputs are refused as by <see cref="Bind"/>. The result follows the signature's order.
    /// </summary>
    public static NamedTensor[] BindPresent(string model, ModelSignature signature, IReadOnlyList<RawInput> inputs)
    {
        var bound = new NamedTensor?[signature.Inputs.Count];
        foreach (var raw in inputs)
        {
            var position = IndexOf(signature, raw.Name);
            if (position < 0)
            {
                throw WardenException.BadRequest(
                    $"unknown input '{raw.Name}'; '{model}' expects: {string.Join(", ", signature.Inputs.Select(i => i.Name))}");
            }

            if (bound[position] is not null)
            {
                throw WardenException.BadRequest($"input '{raw.Name}' appears more than once");
            }

            bound[position] = BindOne(signature.Inputs[position], raw);
        }

        return bound.OfType<NamedTensor>().ToArray();
    }

    private static int IndexOf(ModelSignature signature, string name)
    {
        for (var i = 0; i < signature.Inputs.Count; i++)
        {
            if (signature.Inputs[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static NamedTensor BindOne(TensorSpec spec, RawInput raw)
    {
        if (!TensorDatatypes.TryParse(raw.Datatype, out var datatype))
        {
            throw WardenException.BadRequest($"input '{raw.Name}' has datatype '{raw.Datatype}', which is not a protocol datatype ({TensorDatatypes.AllNames})");
        }

        if (datatype != spec.Datatype)
        {
            throw WardenException.BadRequest($"input '{raw.Name}' has datatype {raw.Datatype} but the model expects {spec.Datatype.ToWire()}");
        }

        if (raw.Shape.Length != spec.Shape.Length)
        {
            throw WardenException.BadRequest(
                $"input '{raw.Name}' has shape [{string.Join(", ", raw.Shape)}] (rank {raw.Shape.Length}) but the model expects rank {spec.Shape.Length} {spec.ShapeText}");
        }

        long count = 1;
        for (var d = 0; d < raw.Shape.Length; d++)
        {
            if (spec.Shape[d] >= 0 && spec.Shape[d] != raw.Shape[d])
            {
                throw WardenException.BadRequest(
                    $"input '{raw.Name}' has shape [{string.Join(", ", raw.Shape)}] but dimension {d} must be {spec.Shape[d]} (model expects {spec.ShapeText})");
            }

            count = raw.Shape[d] == 0 ? 0 : count > MaxElements / raw.Shape[d] ? MaxElements + 1 : count * raw.Shape[d];
        }

        if (count > MaxElements)
        {
            throw new WardenException(413, $"input '{raw.Name}' shape [{string.Join(", ", raw.Shape)}] exceeds {MaxElements} elements");
        }

        if (raw.Binary is { } binary)
        {
            return new NamedTensor(raw.Name, datatype, raw.Shape, TensorBytes.Decode(raw.Name, datatype, (int)count, binary.Span));
        }

        if (raw.Values is { } values)
        {
            return values.Length == count
                ? new NamedTensor(raw.Name, datatype, raw.Shape, values)
                : throw WardenException.BadRequest($"input '{raw.Name}' has {values.Length} values but shape [{string.Join(", ", raw.Shape)}] needs {count}");
        }

        if (raw.Data.ValueKind != JsonValueKind.Array)
        {
            throw WardenException.BadRequest($"input '{raw.Name}' data must be an array, not {InferenceRequestReader.Describe(raw.Data.ValueKind)}");
        }

        var actual = CountLeaves(raw.Data, raw.Name, 0);
        if (actual != count)
        {
            throw WardenException.BadRequest(
                $"input '{raw.Name}' has {actual} values but shape [{string.Join(", ", raw.Shape)}] needs {count}");
        }

        var data = Convert(raw, datatype, (int)count);
        return new NamedTensor(raw.Name, datatype, raw.Shape, data);
    }

    private static long CountLeaves(JsonElement array, string name, int depth)
    {
        if (depth > 32)
        {
            throw WardenException.BadRequest($"input '{name}' data is nested deeper than 32 levels");
        }

        long count = 0;
        foreach (var item in array.EnumerateArray())
        {
            count += item.ValueKind == JsonValueKind.Array ? CountLeaves(item, name, depth + 1) : 1;
        }

        return count;
    }

    private static Array Convert(RawInput raw, TensorDatatype datatype, int count) => datatype switch
    {
        TensorDatatype.Fp32 => Fill(raw, new float[count], static (e, n, i) => Single(e, n, i)),
        TensorDatatype.Fp64 => Fill(raw, new double[count], static (e, n, i) => Number(e, n, i)),
        TensorDatatype.Fp16 => Fill(raw, new Half[count], static (e, n, i) => HalfValue(e, n, i)),
        TensorDatatype.Int8 => Fill(raw, new sbyte[count], static (e, n, i) => (sbyte)Integer(e, n, i, sbyte.MinValue, sbyte.MaxValue, "INT8")),
        TensorDatatype.Int16 => Fill(raw, new short[count], static (e, n, i) => (short)Integer(e, n, i, short.MinValue, short.MaxValue, "INT16")),
        TensorDatatype.Int32 => Fill(raw, new int[count], static (e, n, i) => (int)Integer(e, n, i, int.MinValue, int.MaxValue, "INT32")),
        TensorDatatype.Int64 => Fill(raw, new long[count], static (e, n, i) => Integer(e, n, i, long.MinValue, long.MaxValue, "INT64")),
        TensorDatatype.UInt8 => Fill(raw, new byte[count], static (e, n, i) => (byte)Integer(e, n, i, byte.MinValue, byte.MaxValue, "UINT8")),
        TensorDatatype.UInt16 => Fill(raw, new ushort[count], static (e, n, i) => (ushort)Integer(e, n, i, ushort.MinValue, ushort.MaxValue, "UINT16")),
        TensorDatatype.UInt32 => Fill(raw, new uint[count], static (e, n, i) => (uint)Integer(e, n, i, uint.MinValue, uint.MaxValue, "UINT32")),
        TensorDatatype.UInt64 => Fill(raw, new ulong[count], static (e, n, i) => UnsignedLong(e, n, i)),
        TensorDatatype.Bool => Fill(raw, new bool[count], static (e, n, i) => Boolean(e, n, i)),
        TensorDatatype.Bytes => Fill(raw, new string[count], static (e, n, i) => Text(e, n, i)),
        _ => throw WardenException.BadRequest($"datatype {datatype.ToWire()} is not supported"),
    };

    private static T[] Fill<T>(RawInput raw, T[] target, Func<JsonElement, string, int, T> convert)
    {
        var position = 0;
        FillRecursive(raw.Data, raw.Name, target, ref position, convert);
        return target;
    }

    private static void FillRecursive<T>(JsonElement array, string name, T[] target, ref int position, Func<JsonElement, string, int, T> convert)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                FillRecursive(item, name, target, ref position, convert);
            }
            else
            {
                target[position] = convert(item, name, position);
                position++;
            }
        }
    }

    private static double Number(JsonElement e, string name, int index)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw WardenException.BadRequest($"input '{name}' value {index} is {InferenceRequestReader.Preview(e)}, not a number");
    }

    // A finite JSON number can still overflow the declared type (1e308 as FP32 is infinity), which no model expects.
    private static float Single(JsonElement e, string name, int index)
    {
        var value = Number(e, name, index);
        var single = (float)value;
        return float.IsFinite(single) ? single : throw WardenException.BadRequest($"input '{name}' value {index} ({value:R}) is out of range for FP32");
    }

    private static Half HalfValue(JsonElement e, string name, int index)
    {
        var value = Number(e, name, index);
        var half = (Half)value;
        return Half.IsFinite(half) ? half : throw WardenException.BadRequest($"input '{name}' value {index} ({value:R}) is out of range for FP16");
    }

    private static long Integer(JsonElement e, string name, int index, long min, long max, string type)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var value))
        {
            throw WardenException.BadRequest($"input '{name}' value {index} is {InferenceRequestReader.Preview(e)}, not an integer");
        }

        if (value < min || value > max)
        {
            throw WardenException.BadRequest($"input '{name}' value {index} ({value}) is out of range for {type} [{min}, {max}]");
        }

        return value;
    }

    private static ulong UnsignedLong(JsonElement e, string name, int index)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetUInt64(out var value))
        {
            throw WardenException.BadRequest($"input '{name}' value {index} is {InferenceRequestReader.Preview(e)}, not an unsigned 64-bit integer");
        }

        return value;
    }

    private static bool Boolean(JsonElement e, string name, int index) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw WardenException.BadRequest($"input '{name}' value {index} is {InferenceRequestReader.Preview(e)}, not true or false"),
    };

    private static string Text(JsonElement e, string name, int index) =>
        e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw WardenException.BadRequest($"input '{name}' value {index} is {InferenceRequestReader.Preview(e)}, not a string (BYTES data are JSON strings)");
}
