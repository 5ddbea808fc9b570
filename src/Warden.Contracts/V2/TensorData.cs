using System.Globalization;
using System.Text.Json.Serialization;

namespace Warden.Contracts.V2;

/// <summary>
/// The row-major, flattened content of a tensor: FP32 (<see cref="float"/>), FP64 (<see cref="double"/>), INT64/INT32
/// (<see cref="long"/>, <see cref="int"/>), BOOL (<see cref="bool"/>) or BYTES (<see cref="string"/>) values. Build one from a
/// typed array (implicitly, or with the <c>From…</c> methods); read it back with the <c>To…Array</c> methods, which convert
/// between the numeric kinds.
/// </summary>
[JsonConverter(typeof(TensorDataJsonConverter))]
public sealed class TensorData
{
    private TensorData(Array values) => Values = values;

    /// <summary>No values.</summary>
    public static TensorData Empty { get; } = new(Array.Empty<float>());

    /// <summary>Number of values.</summary>
    public int Count => Values.Length;

    /// <summary>The element type held: float, double, long, int, bool or string.</summary>
    public Type ElementType => Values.GetType().GetElementType()!;

    // One typed array; the JSON reader picks the narrowest kind that holds every value it read.
    internal Array Values { get; }

    /// <summary>FP32 values.</summary>
    public static implicit operator TensorData(float[] values) => FromSingle(values);

    /// <summary>FP64 values.</summary>
    public static implicit operator TensorData(double[] values) => FromDouble(values);

    /// <summary>INT64 values.</summary>
    public static implicit operator TensorData(long[] values) => FromInt64(values);

    /// <summary>INT32 values.</summary>
    public static implicit operator TensorData(int[] values) => FromInt32(values);

    /// <summary>BOOL values.</summary>
    public static implicit operator TensorData(bool[] values) => FromBoolean(values);

    /// <summary>BYTES values (UTF-8 strings).</summary>
    public static implicit operator TensorData(string[] values) => FromString(values);

    /// <summary>FP32 values.</summary>
    public static TensorData FromSingle(float[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>FP64 values.</summary>
    public static TensorData FromDouble(double[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>INT64 values.</summary>
    public static TensorData FromInt64(long[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>INT32 values.</summary>
    public static TensorData FromInt32(int[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>BOOL values.</summary>
    public static TensorData FromBoolean(bool[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>BYTES values (UTF-8 strings).</summary>
    public static TensorData FromString(string[] values) => new(values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>The values as doubles (booleans as 1 and 0).</summary>
    /// <exception cref="InvalidOperationException">The tensor holds strings.</exception>
    public double[] ToDoubleArray() => Values switch
    {
        double[] d => (double[])d.Clone(),
        float[] f => Array.ConvertAll(f, v => (double)v),
        long[] l => Array.ConvertAll(l, v => (double)v),
        int[] i => Array.ConvertAll(i, v => (double)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1d : 0d),
        _ => throw NotNumeric(),
    };

    /// <summary>The values as floats (booleans as 1 and 0).</summary>
    /// <exception cref="InvalidOperationException">The tensor holds strings.</exception>
    public float[] ToSingleArray() => Values switch
    {
        float[] f => (float[])f.Clone(),
        double[] d => Array.ConvertAll(d, v => (float)v),
        long[] l => Array.ConvertAll(l, v => (float)v),
        int[] i => Array.ConvertAll(i, v => (float)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1f : 0f),
        _ => throw NotNumeric(),
    };

    /// <summary>The values as 64-bit integers (booleans as 1 and 0).</summary>
    /// <exception cref="InvalidOperationException">The tensor holds strings or numbers with a fraction.</exception>
    public long[] ToInt64Array() => Values switch
    {
        long[] l => (long[])l.Clone(),
        int[] i => Array.ConvertAll(i, v => (long)v),
        bool[] b => Array.ConvertAll(b, v => v ? 1L : 0L),
        double[] d => Array.ConvertAll(d, Integral),
        float[] f => Array.ConvertAll(f, v => Integral(v)),
        _ => throw NotNumeric(),
    };

    /// <summary>The values as booleans (numbers: non-zero is true).</summary>
    /// <exception cref="InvalidOperationException">The tensor holds strings.</exception>
    public bool[] ToBooleanArray() => Values switch
    {
        bool[] b => (bool[])b.Clone(),
        string[] => throw NotNumeric(),
        _ => Array.ConvertAll(ToDoubleArray(), v => v != 0),
    };

    /// <summary>The values as text: strings as they are, numbers and booleans as JSON writes them (invariant culture).</summary>
    public string[] ToStringArray() => Values switch
    {
        string[] s => (string[])s.Clone(),
        float[] f => Array.ConvertAll(f, v => v.ToString("R", CultureInfo.InvariantCulture)),
        double[] d => Array.ConvertAll(d, v => v.ToString("R", CultureInfo.InvariantCulture)),
        long[] l => Array.ConvertAll(l, v => v.ToString(CultureInfo.InvariantCulture)),
        int[] i => Array.ConvertAll(i, v => v.ToString(CultureInfo.InvariantCulture)),
        bool[] b => Array.ConvertAll(b, v => v ? "true" : "false"),
        _ => throw NotNumeric(),
    };

    private static long Integral(double value) =>
        value == Math.Floor(value) && value >= long.MinValue && value <= long.MaxValue
            ? (long)value
            : throw new InvalidOperationException($"the tensor holds {value.ToString(CultureInfo.InvariantCulture)}, not an integer");

    private InvalidOperationException NotNumeric() => new($"the tensor holds {ElementType.Name} values");
}
