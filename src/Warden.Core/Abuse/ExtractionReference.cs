using MathNet.Numerics;

namespace Warden.Core.Abuse;

/// <summary>
/// What honest queries look like, learnt from reference (training) rows: the values each discrete feature takes, and how
/// far a real row lies from its nearest other real row. A query is <em>atypical</em> when a discrete feature holds a value
/// no reference row has (e.g. 3.25 credit-history points) or when it lies farther from every reference row than
/// <see cref="ExtractionDetectorOptions.ReferenceQuantile"/> of the reference rows lie from their nearest neighbour.
/// Synthetic probes (perturbations of every feature, points on segments, uniform samples) are atypical far more often
/// than real applicants, and unlike the distances PRADA tests, this holds for each probe on its own, so mixing real rows
/// into the stream dilutes the rate but cannot hide it.
/// </summary>
internal sealed class ExtractionReference
{
    /// <summary>A feature with at most this many distinct reference values is treated as discrete.</summary>
    public const int MaxDiscreteValues = 32;

    private readonly double[][] _rows;
    private readonly double[]?[] _support;

    /// <param name="rows">Reference rows, already clipped and scaled as queries are (see <see cref="ExtractionDetector"/>).</param>
    /// <param name="raw">The same rows in raw units (discrete supports are kept in raw units).</param>
    /// <param name="quantile">Quantile of the leave-one-out nearest-neighbour distances used as the distance bound.</param>
    public ExtractionReference(double[][] rows, double[][] raw, double quantile)
    {
        if (rows.Length < 2)
        {
            throw new ArgumentException("A reference needs at least two rows.", nameof(rows));
        }

        _rows = rows;
        int dims = rows[0].Length;
        _support = new double[]?[dims];
        for (int j = 0; j < dims; j++)
        {
            var values = raw.Select(r => r[j]).Distinct().Order().ToArray();
            _support[j] = values.Length <= MaxDiscreteValues ? values : null;
        }

        var nearest = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            nearest[i] = Nearest(rows[i], skip: i);
        }

        DistanceBound = QuantileOf(nearest, quantile);
    }

    /// <summary>The distance beyond which a query counts as far from every reference row (scaled units).</summary>
    public double DistanceBound { get; }

    /// <summary>Features treated as discrete.</summary>
    public int DiscreteFeatures => _support.Count(s => s is not null);

    /// <summary>
    /// The <paramref name="q"/>-quantile of <paramref name="values"/> by linear interpolation between order statistics
    /// (R's and NumPy's default, type 7): h = (n − 1)·q, x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎).
    /// </summary>
    public static double QuantileOf(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>
    /// One-sided binomial test: P(X ≥ <paramref name="k"/>) for X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>),
    /// computed as the regularised incomplete beta I_p(k, n − k + 1) so that small tails keep their precision.
    /// </summary>
    public static double UpperTail(int k, int n, double p) =>
        k <= 0 ? 1.0 : k > n ? 0.0 : SpecialFunctions.BetaRegularized(k, n - k + 1, p);

    /// <summary>True when a raw discrete value is off the reference's support, or the scaled query is far from all rows.</summary>
    public bool IsAtypical(ReadOnlySpan<double> raw, ReadOnlySpan<double> z)
    {
        for (int j = 0; j < raw.Length; j++)
        {
            if (_support[j] is { } support && !Contains(support, raw[j]))
            {
                return true;
            }
        }

        return Nearest(z, skip: -1) > DistanceBound;
    }

    private static bool Contains(double[] sorted, double value)
    {
        // Clients send FP32: 3.2 arrives as 3.2000000477, so membership allows a relative error of FP32 rounding.
        int at = Array.BinarySearch(sorted, value);
        if (at >= 0)
        {
            return true;
        }

        at = ~at;
        double tolerance = 1e-6 * Math.Max(1.0, Math.Abs(value));
        return (at < sorted.Length && sorted[at] - value <= tolerance) || (at > 0 && value - sorted[at - 1] <= tolerance);
    }

    private double Nearest(ReadOnlySpan<double> z, int skip)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < _rows.Length; i++)
        {
            if (i == skip)
            {
                continue;
            }

            var row = _rows[i];
            double sum = 0;
            for (int j = 0; j < z.Length && sum < best; j++)
            {
                double d = z[j] - row[j];
                sum += d * d;
            }

            if (sum < best)
            {
                best = sum;
            }
        }

        return Math.Sqrt(best);
    }
}
