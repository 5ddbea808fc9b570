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
        for (var r = 0; r < inputs.Count; r++)
        {
            // By index: a foreach over the interface would allocate an enumerator per request.
            var raw = inputs[r];
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

        for (var d = 0; d < raw.Shape.Length; d++)
        {
            if (spec.Shape[d] >= 0 && spec.Shape[d] != raw.Shape[d])
            {
                throw WardenException.BadRequest(
                    $"input '{raw.Name}' has shape [{string.Join(", ", raw.Shape)}] but dimension {d} must be {spec.Shape[d]} (model expects {spec.ShapeText})");
            }
        }

        var count = ElementCount(raw.Shape);
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

        if (raw.Json is not { } json)
        {
            throw WardenException.BadRequest($"input '{raw.Name}' data must be an array, not nothing");
        }

        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw WardenException.BadRequest($"input '{raw.Name}' data must be an array, not {InferenceRequestReader.Describe(reader.TokenType)}");
        }

        var read = JsonTensorData.Read(ref reader, json.Span, raw.Name, datatype, (int)count);
        if (read.NestingProblem is { } nesting)
        {
            throw WardenException.BadRequest(nesting);
        }

        if (read.Count != count)
        {
            throw WardenException.BadRequest(
                $"input '{raw.Name}' has {read.Count} values but shape [{string.Join(", ", raw.Shape)}] needs {count}");
        }

        return read.ValueProblem is { } problem
            ? throw WardenException.BadRequest(problem)
            : new NamedTensor(raw.Name, datatype, raw.Shape, read.Values);
    }

    /// <summary>Number of elements a shape holds, or <see cref="MaxElements"/> + 1 for any more than that.</summary>
    internal static long ElementCount(long[] shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count = dimension == 0 ? 0 : count > MaxElements / dimension ? MaxElements + 1 : count * dimension;
        }

        return count;
    }
}
