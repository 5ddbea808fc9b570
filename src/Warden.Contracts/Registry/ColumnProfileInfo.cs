namespace Warden.Contracts.Registry;

/// <summary>Summary statistics of one numeric column of the training data.</summary>
public sealed class ColumnProfileInfo
{
    /// <summary>Column (input) name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Non-missing values.</summary>
    public int Count { get; set; }

    /// <summary>Arithmetic mean.</summary>
    public double Mean { get; set; }

    /// <summary>Sample standard deviation (n − 1).</summary>
    public double StdDev { get; set; }

    /// <summary>Smallest value.</summary>
    public double Min { get; set; }

    /// <summary>Largest value.</summary>
    public double Max { get; set; }
}
