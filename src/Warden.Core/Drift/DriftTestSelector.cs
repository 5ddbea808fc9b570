namespace Warden.Core.Drift;

/// <summary>
/// Chooses the default drift test for a feature exactly as Evidently's <c>_get_default_stattest</c>
/// (evidently/calculations/stattests/registry.py) does.
/// </summary>
public static class DriftTestSelector
{
    /// <summary>Reference sizes up to this value use hypothesis tests; larger ones use distances.</summary>
    public const int SmallReferenceLimit = 1000;

    /// <summary>
    /// Returns the default test. <paramref name="uniqueCount"/> is the number of distinct non-missing values in
    /// reference and current together (Evidently: <c>pd.concat([reference, current]).nunique()</c>).
    /// Reference ≤ 1000 rows: numerical with &gt; 5 distinct values → KS; otherwise (numerical ≤ 5 or categorical)
    /// chi-square when more than 2 distinct values, else the Z-test. Reference &gt; 1000 rows: numerical with &gt; 5
    /// distinct values → normalised Wasserstein; otherwise Jensen–Shannon.
    /// </summary>
    public static DriftTest Select(int referenceSize, FeatureKind kind, int uniqueCount)
    {
        if (referenceSize <= SmallReferenceLimit)
        {
            if (kind == FeatureKind.Numerical && uniqueCount > 5)
            {
                return DriftTest.KolmogorovSmirnov;
            }

            return uniqueCount > 2 ? DriftTest.ChiSquare : DriftTest.ZTest;
        }

        return kind == FeatureKind.Numerical && uniqueCount > 5 ? DriftTest.Wasserstein : DriftTest.JensenShannon;
    }

    /// <summary>Evidently's default threshold for a test: 0.05 for p-value tests, 0.1 for distances and PSI.</summary>
    public static double DefaultThreshold(DriftTest test) => test switch
    {
        DriftTest.KolmogorovSmirnov or DriftTest.ChiSquare or DriftTest.ZTest => 0.05,
        _ => 0.1,
    };

    /// <summary>True when the test's score is a p-value (drift when score &lt; threshold); false for distances (drift when score ≥ threshold).</summary>
    public static bool IsPValueTest(DriftTest test) =>
        test is DriftTest.KolmogorovSmirnov or DriftTest.ChiSquare or DriftTest.ZTest;
}
