namespace Warden.Contracts.Context;

/// <summary>The Shapley value of one feature.</summary>
public sealed class AttributionInfo
{
    /// <summary>Feature (input) name.</summary>
    public string Feature { get; set; } = "";

    /// <summary>The feature's value in the explained row (0 for a categorical feature, whose value is in category).</summary>
    public double Value { get; set; }

    /// <summary>The value of a categorical (STRING) feature in the explained row; absent for numeric features.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Category { get; set; }

    /// <summary>Its share of output − base value.</summary>
    public double Phi { get; set; }

    /// <summary>Standard error of φ from sampling; 0 when exact.</summary>
    public double StandardError { get; set; }
}
