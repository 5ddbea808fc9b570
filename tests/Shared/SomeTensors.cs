using Warden.Core.Tensors;

namespace Warden.Tests;

/// <summary>Tensors for tests of anything that stores or sends them.</summary>
internal static class SomeTensors
{
    /// <summary>One tensor of every datatype, with extreme values (and non-finite floats, which JSON holds as null).</summary>
    public static IReadOnlyList<NamedTensor> EveryDatatype() =>
    [
        new("fp32", TensorDatatype.Fp32, [2, 3], new[] { 0.1f, -1.5e-7f, float.MaxValue, float.NaN, float.PositiveInfinity, 3f }),
        new("fp64", TensorDatatype.Fp64, [3], new[] { 0.1, double.MinValue, double.NegativeInfinity }),
        new("fp16", TensorDatatype.Fp16, [3], new[] { (Half)0.1f, Half.MaxValue, (Half)(-2.5f) }),
        new("int8", TensorDatatype.Int8, [2], new sbyte[] { sbyte.MinValue, sbyte.MaxValue }),
        new("int16", TensorDatatype.Int16, [2], new short[] { short.MinValue, short.MaxValue }),
        new("int32", TensorDatatype.Int32, [2], new[] { int.MinValue, int.MaxValue }),
        new("int64", TensorDatatype.Int64, [2], new[] { long.MinValue, long.MaxValue }),
        new("uint8", TensorDatatype.UInt8, [2], new byte[] { 0, byte.MaxValue }),
        new("uint16", TensorDatatype.UInt16, [2], new ushort[] { 0, ushort.MaxValue }),
        new("uint32", TensorDatatype.UInt32, [2], new uint[] { 0, uint.MaxValue }),
        new("uint64", TensorDatatype.UInt64, [2], new ulong[] { 0, ulong.MaxValue }),
        new("bool", TensorDatatype.Bool, [3], new[] { true, false, true }),
        new("bytes", TensorDatatype.Bytes, [2], new[] { "a \"quoted\" \"raw_data\": text", "é" }),
        new("empty", TensorDatatype.Fp32, [0], Array.Empty<float>()),
    ];

    /// <summary>A credit-risk row as the log records it: twelve FP32 <c>[1,1]</c> inputs.</summary>
    public static IReadOnlyList<NamedTensor> TabularRow(float value = 0.221f) =>
        new[] { "pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool" }
            .Select((name, i) => new NamedTensor(name, TensorDatatype.Fp32, [1, 1], new[] { value * (i + 1) }))
            .ToList();
}
