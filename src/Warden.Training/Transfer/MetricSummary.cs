namespace Warden.Training.Transfer;

/// <summary>Mean and sample standard deviation (n − 1 denominator) of one metric over repeated runs.</summary>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StandardDeviation">Sample standard deviation; 0 for a single run.</param>
public sealed record MetricSummary(double Mean, double StandardDeviation)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    public static MetricSummary Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var mean = values.Average();
        var sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new MetricSummary(mean, sd);
    }
}
