using MathNet.Numerics;

namespace Warden.Core.Drift;

/// <summary>
/// Pooled two-proportion Z-test (Evidently's <c>z</c> stat test): p̂ = (x₁ + x₂)/(n₁ + n₂),
/// z = (x₁/n₁ − x₂/n₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), two-sided p = 2(1 − Φ(|z|)) = erfc(|z|/√2).
/// </summary>
public static class ProportionZTest
{
    /// <summary>Tests whether the share of one category differs between reference and current.</summary>
    public static ProportionZTestResult Test(long referenceHits, long referenceSize, long currentHits, long currentSize)
    {
        if (referenceSize <= 0 || currentSize <= 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        double p1 = (double)referenceHits / referenceSize;
        double p2 = (double)currentHits / currentSize;
        double pooled = (double)(referenceHits + currentHits) / (referenceSize + currentSize);
        double variance = pooled * (1 - pooled) * ((1.0 / referenceSize) + (1.0 / currentSize));
        if (variance <= 0)
        {
            // Both samples hold a single identical value (Evidently returns p = 1 for this case).
            return new ProportionZTestResult(0, 1.0);
        }

        double z = (p1 - p2) / Math.Sqrt(variance);
        return new ProportionZTestResult(z, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }
}
