namespace Warden.Contracts.Context;

/// <summary>The additivity (local accuracy) check of an explanation.</summary>
public sealed class AdditivityInfo
{
    /// <summary>Base value + Σφ.</summary>
    public double Reconstructed { get; set; }

    /// <summary>|reconstructed − output|.</summary>
    public double AbsoluteError { get; set; }

    /// <summary>Tolerance used.</summary>
    public double Tolerance { get; set; }

    /// <summary>Whether the error is within the tolerance.</summary>
    public bool Passed { get; set; }
}
