using Microsoft.ML.OnnxRuntime;
using Warden.Core.Tensors;

namespace Warden.Core.Inference;

/// <summary>
/// The input tensors of one run for a fixed layout (the name, datatype and shape of every input): native tensors over
/// pinned arrays, created once and refilled run after run. Creating a native tensor for each input of each run (a pinned GC
/// handle, several native allocations and a finalizable wrapper apiece) cost a small tabular model more than its kernels; a
/// set is used by one run at a time (<see cref="LoadedModel"/> keeps spare sets), and the values are copied bit for bit.
/// </summary>
internal sealed class PinnedInputs : IDisposable
{
    /// <summary>Largest set kept, in bytes of all inputs together: above it pinning the request's own arrays is cheaper than copying.</summary>
    internal const int MaxBytes = 64 * 1024;

    private readonly TensorDatatype[] _datatypes;
    private readonly long[][] _shapes;
    private readonly Array[] _buffers;

    private PinnedInputs(NamedTensor[] inputs)
    {
        Names = new string[inputs.Length];
        Values = new OrtValue[inputs.Length];
        _datatypes = new TensorDatatype[inputs.Length];
        _shapes = new long[inputs.Length][];
        _buffers = new Array[inputs.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                Names[i] = inputs[i].Name;
                _datatypes[i] = inputs[i].Datatype;
                _shapes[i] = (long[])inputs[i].Shape.Clone();
                (_buffers[i], Values[i]) = Create(inputs[i].Datatype, inputs[i].Data.Length, _shapes[i]);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Input names, in the order of <see cref="Values"/>.</summary>
    public string[] Names { get; }

    /// <summary>The native tensors, filled by <see cref="Fill"/>.</summary>
    public OrtValue[] Values { get; }

    /// <summary>A set for the layout of <paramref name="inputs"/>, or null when a datatype needs conversion (FP16, BYTES) or the inputs are large.</summary>
    public static PinnedInputs? TryCreate(NamedTensor[] inputs)
    {
        long bytes = 0;
        foreach (var input in inputs)
        {
            if (ElementSize(input.Datatype) is not { } size || input.Data.Length != InputBinder.ElementCount(input.Shape))
            {
                return null;
            }

            bytes += (long)size * input.Data.Length;
        }

        return bytes <= MaxBytes ? new PinnedInputs(inputs) : null;
    }

    /// <summary>True when <paramref name="inputs"/> have this set's names, datatypes and shapes, in this order.</summary>
    public bool Matches(NamedTensor[] inputs)
    {
        if (inputs.Length != Names.Length)
        {
            return false;
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            var input = inputs[i];
            if (input.Datatype != _datatypes[i] || !string.Equals(input.Name, Names[i], StringComparison.Ordinal)
                || !input.Shape.AsSpan().SequenceEqual(_shapes[i]) || input.Data.Length != _buffers[i].Length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies the values of <paramref name="inputs"/> (which <see cref="Matches"/>) into the pinned arrays.</summary>
    public void Fill(NamedTensor[] inputs)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            // A byte copy: the same bits whatever the element type (and the CLR lets byte[] stand for sbyte[], which
            // Array.Copy would refuse).
            Buffer.BlockCopy(inputs[i].Data, 0, _buffers[i], 0, Buffer.ByteLength(_buffers[i]));
        }
    }

    public void Dispose()
    {
        foreach (var value in Values)
        {
            value?.Dispose();
        }
    }

    // FP16 is converted to the runtime's own type per run and BYTES has no fixed size: neither is kept pinned.
    private static int? ElementSize(TensorDatatype datatype) =>
        datatype is TensorDatatype.Fp16 or TensorDatatype.Bytes ? null : TensorBytes.ElementSize(datatype);

    private static (Array Buffer, OrtValue Value) Create(TensorDatatype datatype, int length, long[] shape) => datatype switch
    {
        TensorDatatype.Fp32 => Create<float>(length, shape),
        TensorDatatype.Fp64 => Create<double>(length, shape),
        TensorDatatype.Int64 => Create<long>(length, shape),
        TensorDatatype.Int32 => Create<int>(length, shape),
        TensorDatatype.Int16 => Create<short>(length, shape),
        TensorDatatype.Int8 => Create<sbyte>(length, shape),
        TensorDatatype.UInt8 => Create<byte>(length, shape),
        TensorDatatype.UInt16 => Create<ushort>(length, shape),
        TensorDatatype.UInt32 => Create<uint>(length, shape),
        TensorDatatype.UInt64 => Create<ulong>(length, shape),
        TensorDatatype.Bool => Create<bool>(length, shape),
        _ => throw new InvalidOperationException($"datatype {datatype} is not kept in pinned inputs"),
    };

    private static (Array Buffer, OrtValue Value) Create<T>(int length, long[] shape)
        where T : unmanaged
    {
        // On the pinned object heap: the native tensor keeps pointing at it for the set's lifetime.
        var buffer = GC.AllocateArray<T>(length, pinned: true);
        return (buffer, OrtValue.CreateTensorValueFromMemory(buffer, shape));
    }
}
