namespace Warden.Core.Policies;

/// <summary>Constraints on one input: a numeric range, a set of allowed values, and (BYTES) regular expressions that must not match.</summary>
public sealed class InputRule
{
    /// <summary>Smallest allowed value (inclusive).</summary>
    public double? Min { get; set; }

    /// <summary>Largest allowed value (inclusive).</summary>
    public double? Max { get; set; }

    /// <summary>Allowed values (numbers compared numerically, BYTES as text); null allows any.</summary>
    public List<string>? Allowed { get; set; }

    /// <summary>Patterns (.NET regular expressions, 100 ms match timeout) a BYTES value must not match.</summary>
    public List<string>? DenyPatterns { get; set; }
}
