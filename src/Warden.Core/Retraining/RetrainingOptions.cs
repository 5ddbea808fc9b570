using System.ComponentModel.DataAnnotations;

namespace Warden.Core.Retraining;

/// <summary>Retraining options (<c>Warden:Retraining</c>).</summary>
public sealed class RetrainingOptions
{
    /// <summary>
    /// Folders training CSVs may be read from. A policy or request naming a file elsewhere is refused, so a deployer key
    /// cannot make the server read arbitrary files. <c>&lt;DataDir&gt;/training</c> is always allowed.
    /// </summary>
    public List<string> DataRoots { get; set; } = [];

    /// <summary>Most jobs waiting in the queue; further requests are refused with 409.</summary>
    [Range(1, 1000)]
    public int QueueCapacity { get; set; } = 16;
}
