namespace Warden.Core.Drift;

/// <summary>
/// One named column of values: numbers (NaN = missing) for numerical features, strings (null = missing) for
/// categorical ones.
/// </summary>
public sealed class FeatureColumn
{
    private FeatureColumn(string name, FeatureKind kind, double[]? numbers, string?[]? labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Labels = labels;
    }

    /// <summary>Column name (the feature name).</summary>
    public string Name { get; }

    /// <summary>Whether the values are numbers or categories.</summary>
    public FeatureKind Kind { get; }

    /// <summary>Values of a numerical column (NaN and ±∞ are treated as missing); null for categorical columns.</summary>
    public double[]? Numbers { get; }

    /// <summary>Values of a categorical column (null is missing); null for numerical columns.</summary>
    public string?[]? Labels { get; }

    /// <summary>Number of rows, missing included.</summary>
    public int Length => Numbers?.Length ?? Labels!.Length;

    /// <summary>Creates a numerical column.</summary>
    public static FeatureColumn Numerical(string name, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new FeatureColumn(name, FeatureKind.Numerical, values, null);
    }

    /// <summary>Creates a categorical column.</summary>
    public static FeatureColumn Categorical(string name, string?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new FeatureColumn(name, FeatureKind.Categorical, null, values);
    }
}
