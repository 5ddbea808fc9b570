namespace Warden.Contracts.Registry;

/// <summary>One model input as documented on its card.</summary>
public sealed class FeatureInfo
{
    /// <summary>Input tensor name.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the value means and its unit.</summary>
    public string Description { get; set; } = "";

    /// <summary>How stored copies of this input are treated: <c>keep</c>, <c>hash</c> or <c>drop</c>.</summary>
    public string? Redaction { get; set; }
}
