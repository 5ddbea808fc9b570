namespace Warden.Core.Drift;

/// <summary>
/// Jensen–Shannon distance (Lin 1991; Endres &amp; Schindelin 2003): √(½ KL(P‖M) + ½ KL(Q‖M)) with M = ½(P + Q),
/// logarithm base 2 so the value lies in [0, 1], as SciPy's <c>jensenshannon(p, q, base=2)</c> used by Evidently.
/// Inputs are normalised to sum to one; zero entries contribute nothing.
/// </summary>
public static class JensenShannonDistance
{
    /// <summary>Distance between two aligned non-negative weight vectors.</summary>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException("Distributions must be aligned over the same bins.");
        }

        double sp = 0, sq = 0;
        for (int k = 0; k < p.Length; k++)
        {
            sp += p[k];
            sq += q[k];
        }

        double js = 0;
        for (int k = 0; k < p.Length; k++)
        {
            double pk = p[k] / sp, qk = q[k] / sq;
            double mk = (pk + qk) / 2;
            if (pk > 0)
            {
                js += pk * Math.Log(pk / mk);
            }

            if (qk > 0)
            {
                js += qk * Math.Log(qk / mk);
            }
        }

        // Rounding can leave a tiny negative sum for identical inputs.
        return Math.Sqrt(Math.Max(js / 2 / Math.Log(2), 0));
    }
}
