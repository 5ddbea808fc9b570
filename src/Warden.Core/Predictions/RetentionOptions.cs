using System.ComponentModel.DataAnnotations;

namespace Warden.Core.Predictions;

/// <summary>The prediction log's pruning job (<c>Warden:Retention</c>); what each model keeps is its <see cref="RetentionPolicy"/>.</summary>
public sealed class RetentionOptions
{
    /// <summary>Seconds between pruning runs.</summary>
    /// <value>Default 300.</value>
    [Range(1, 86_400)]
    public int IntervalSeconds { get; set; } = 300;

    /// <summary>Most predictions one run deletes per model, so a first run on a large log does not hold the database for long; the rest goes on the next run.</summary>
    /// <value>Default 100000.</value>
    [Range(1, int.MaxValue)]
    public int MaxDeletesPerRun { get; set; } = 100_000;
}
