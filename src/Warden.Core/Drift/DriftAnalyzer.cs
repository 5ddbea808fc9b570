using System.Globalization;

namespace Warden.Core.Drift;

/// <summary>
/// Compares current data with a <see cref="ReferenceProfile"/>: one test per feature (Evidently's default selection
/// unless overridden), optional PSI, prediction drift, and the data set drift verdict. Features run in parallel.
/// </summary>
public sealed class DriftAnalyzer(TimeProvider timeProvider)
{
    /// <summary>Most categories drawn in a report histogram; the rest are pooled as "(other)".</summary>
    public const int MaxHistogramCategories = 30;

    /// <summary>The bin that pools current categories a categorical reference never held.</summary>
    public const string UnseenCategory = "(unseen)";

    /// <summary>Analyser stamping reports with the system clock.</summary>
    public DriftAnalyzer()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Runs the analysis.</summary>
    public DriftReport Analyze(ReferenceProfile reference, ColumnSet current, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new DriftOptions();
        if (options.DriftShare is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DriftShare must be in (0, 1].");
        }

        var names = new List<string>();
        foreach (string name in options.Features ?? reference.Features.Select(f => f.Name).ToList())
        {
            if (name != options.PredictionColumn && (options.Features is not null || current.Find(name) is not null))
            {
                names.Add(name);
            }
        }

        var jobs = new List<(FeatureProfile Profile, FeatureColumn Column)>(names.Count + 1);
        foreach (string name in names)
        {
            jobs.Add(Pair(reference, current, name));
        }

        if (options.PredictionColumn is { } prediction)
        {
            jobs.Add(Pair(reference, current, prediction));
        }

        foreach (var (profile, _) in jobs)
        {
            if (profile.Kind == FeatureKind.Categorical
                && options.PerFeature.GetValueOrDefault(profile.Name)?.Test is DriftTest.KolmogorovSmirnov or DriftTest.Wasserstein)
            {
                throw new ArgumentException($"Test {options.PerFeature[profile.Name].Test} needs a numerical feature; '{profile.Name}' is categorical.");
            }
        }

        var results = new FeatureDriftResult[jobs.Count];
        Parallel.For(0, jobs.Count, k => results[k] = AnalyzeFeature(jobs[k].Profile, jobs[k].Column, options));

        var features = results.Take(names.Count).ToList();
        int drifted = features.Count(f => f.Drifted);
        double share = features.Count == 0 ? 0 : (double)drifted / features.Count;
        return new DriftReport
        {
            GeneratedAt = timeProvider.GetUtcNow(),
            ReferenceRows = reference.RowCount,
            CurrentRows = current.RowCount,
            DriftShareThreshold = options.DriftShare,
            FeatureCount = features.Count,
            DriftedCount = drifted,
            DriftShare = share,
            DatasetDrift = features.Count > 0 && share >= options.DriftShare,
            Features = features,
            Prediction = options.PredictionColumn is null ? null : results[^1],
        };
    }

    /// <summary>Tests one feature's current column against its profile.</summary>
    public static FeatureDriftResult AnalyzeFeature(FeatureProfile profile, FeatureColumn column, DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(options);
        var overrides = options.PerFeature.GetValueOrDefault(profile.Name);
        return profile.Kind == FeatureKind.Numerical
            ? AnalyzeNumerical(profile, AsNumbers(profile.Name, column), overrides, options)
            : AnalyzeCategorical(profile, AsLabels(column), overrides, options);
    }

    private static (FeatureProfile, FeatureColumn) Pair(ReferenceProfile reference, ColumnSet current, string name)
    {
        var profile = reference.Find(name) ?? throw new ArgumentException($"Feature '{name}' is not in the reference profile.");
        var column = current.Find(name) ?? throw new ArgumentException($"Feature '{name}' is not in the current data.");
        return (profile, column);
    }

    private static FeatureDriftResult AnalyzeNumerical(FeatureProfile profile, double[] values, FeatureDriftOptions? overrides, DriftOptions options)
    {
        double[] reference = FiniteSort.Sorted(profile.NumericSample ?? []);
        double[] current = FiniteSort.Sorted(values);
        int distinct = DriftBinning.DistinctUnionCount(reference, current);
        var test = overrides?.Test ?? DriftTestSelector.Select(reference.Length, FeatureKind.Numerical, distinct);
        double threshold = overrides?.Threshold ?? DriftTestSelector.DefaultThreshold(test);
        var result = new FeatureDriftResult
        {
            Name = profile.Name,
            Kind = FeatureKind.Numerical,
            Test = test,
            Threshold = threshold,
            Score = double.NaN,
            ReferenceCount = reference.Length,
            CurrentCount = current.Length,
            CurrentMissing = values.Length - current.Length,
            DistinctCount = distinct,
        };
        if (reference.Length == 0 || current.Length == 0)
        {
            return result;
        }

        var histogram = DriftBinning.Evidently(reference, current);
        result = result with { Histogram = histogram };
        switch (test)
        {
            case DriftTest.KolmogorovSmirnov:
                var ks = KolmogorovSmirnovTest.Test(reference, current);
                result = result with { Score = ks.PValue, Statistic = ks.Statistic, ExactPValue = ks.Exact };
                break;
            case DriftTest.Wasserstein:
                result = result with { Score = WassersteinDistance.Normalised(reference, current) };
                break;
            case DriftTest.JensenShannon:
                result = result with { Score = JensenShannonDistance.Distance(histogram.ReferenceShares(), histogram.CurrentShares()) };
                break;
            case DriftTest.Psi:
                result = result with { Score = NumericalPsi(reference, current, options) };
                break;
            default:
                result = WithCountTest(result, DriftBinning.DistinctValues(reference, current));
                break;
        }

        if (options.ComputePsi)
        {
            result = result with { Psi = NumericalPsi(reference, current, options) };
        }

        return result with { Drifted = IsDrifted(result) };
    }

    private static FeatureDriftResult AnalyzeCategorical(FeatureProfile profile, string?[] values, FeatureDriftOptions? overrides, DriftOptions options)
    {
        string[] reference = profile.CategorySample ?? [];
        var bins = profile.Categories is { } categories && profile.CategoryCounts is { } counts && counts.Length == categories.Length
            ? CategoryBins(categories, counts, values)
            : DriftBinning.Categories(reference, values);
        long currentCount = 0, referenceCount = 0;
        foreach (long c in bins.CurrentCounts)
        {
            currentCount += c;
        }

        foreach (long c in bins.ReferenceCounts)
        {
            referenceCount += c;
        }

        int distinct = bins.Labels.Count;
        var test = overrides?.Test ?? DriftTestSelector.Select((int)Math.Min(int.MaxValue, referenceCount), FeatureKind.Categorical, distinct);
        if (test is DriftTest.KolmogorovSmirnov or DriftTest.Wasserstein)
        {
            throw new ArgumentException($"Test {test} needs a numerical feature; '{profile.Name}' is categorical.");
        }

        double threshold = overrides?.Threshold ?? DriftTestSelector.DefaultThreshold(test);
        var result = new FeatureDriftResult
        {
            Name = profile.Name,
            Kind = FeatureKind.Categorical,
            Test = test,
            Threshold = threshold,
            Score = double.NaN,
            ReferenceCount = (int)Math.Min(int.MaxValue, referenceCount),
            CurrentCount = (int)currentCount,
            CurrentMissing = values.Length - (int)currentCount,
            DistinctCount = distinct,
            Histogram = CapCategories(bins),
        };
        if (referenceCount == 0 || currentCount == 0)
        {
            return result;
        }

        result = test switch
        {
            DriftTest.JensenShannon => result with { Score = JensenShannonDistance.Distance(bins.ReferenceShares(), bins.CurrentShares()) },
            DriftTest.Psi => result with { Score = PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares()) },
            _ => WithCountTest(result, bins),
        };
        if (options.ComputePsi)
        {
            result = result with { Psi = PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares()) };
        }

        return result with { Drifted = IsDrifted(result) };
    }

    /// <summary>
    /// Bins current categories against the reference's full category counts: one bin per reference category (in its sorted
    /// order), and every current category the reference never held pooled into one last bin, <see cref="UnseenCategory"/>,
    /// whose reference count is zero (so chi-square reports p = 0 and Jensen–Shannon counts its whole share as shift).
    /// </summary>
    private static BinnedDistribution CategoryBins(string[] categories, long[] counts, string?[] values)
    {
        var index = new Dictionary<string, int>(categories.Length, StringComparer.Ordinal);
        for (int k = 0; k < categories.Length; k++)
        {
            index[categories[k]] = k;
        }

        var current = new long[categories.Length + 1];
        foreach (string? v in values)
        {
            if (v is not null)
            {
                current[index.TryGetValue(v, out int k) ? k : categories.Length]++;
            }
        }

        if (current[^1] == 0)
        {
            return new BinnedDistribution(categories, null, counts, current[..^1]);
        }

        return new BinnedDistribution([.. categories, UnseenCategory], null, [.. counts, 0], current);
    }

    private static FeatureDriftResult WithCountTest(FeatureDriftResult result, BinnedDistribution bins)
    {
        if (result.Test == DriftTest.ChiSquare)
        {
            var chi = ChiSquareTest.Test(bins.ReferenceCounts, bins.CurrentCounts);
            return result with { Score = chi.PValue, Statistic = chi.Statistic };
        }

        // Evidently's Z-test: the first category in sorted order is coded 0, every other value 1.
        long refTotal = bins.ReferenceCounts.Sum(), curTotal = bins.CurrentCounts.Sum();
        var z = ProportionZTest.Test(refTotal - bins.ReferenceCounts[0], refTotal, curTotal - bins.CurrentCounts[0], curTotal);
        return result with { Score = z.PValue, Statistic = z.Z };
    }

    private static double NumericalPsi(double[] reference, double[] current, DriftOptions options)
    {
        var bins = options.PsiBinning == PsiBinning.ReferenceQuantiles
            ? DriftBinning.ReferenceQuantiles(reference, current, options.QuantileBins)
            : DriftBinning.Evidently(reference, current);
        return PopulationStabilityIndex.Compute(bins.ReferenceShares(), bins.CurrentShares());
    }

    private static bool IsDrifted(FeatureDriftResult r) =>
        !double.IsNaN(r.Score) && (DriftTestSelector.IsPValueTest(r.Test) ? r.Score < r.Threshold : r.Score >= r.Threshold);

    private static double[] AsNumbers(string name, FeatureColumn column)
    {
        if (column.Numbers is { } numbers)
        {
            return numbers;
        }

        var labels = column.Labels!;
        var parsed = new double[labels.Length];
        for (int k = 0; k < labels.Length; k++)
        {
            if (labels[k] is null)
            {
                parsed[k] = double.NaN;
            }
            else if (!double.TryParse(labels[k], NumberStyles.Float, CultureInfo.InvariantCulture, out parsed[k]))
            {
                throw new ArgumentException($"Feature '{name}' is numerical in the reference but current value '{labels[k]}' is not a number.");
            }
        }

        return parsed;
    }

    private static string?[] AsLabels(FeatureColumn column)
    {
        if (column.Labels is { } labels)
        {
            return labels;
        }

        var numbers = column.Numbers!;
        var result = new string?[numbers.Length];
        for (int k = 0; k < numbers.Length; k++)
        {
            result[k] = double.IsFinite(numbers[k]) ? numbers[k].ToString(CultureInfo.InvariantCulture) : null;
        }

        return result;
    }

    private static BinnedDistribution CapCategories(BinnedDistribution bins)
    {
        if (bins.Labels.Count <= MaxHistogramCategories)
        {
            return bins;
        }

        var order = Enumerable.Range(0, bins.Labels.Count)
            .OrderByDescending(k => bins.ReferenceCounts[k] + bins.CurrentCounts[k])
            .ThenBy(k => bins.Labels[k], StringComparer.Ordinal)
            .ToArray();
        int keep = MaxHistogramCategories - 1;
        var labels = new List<string>();
        var r = new long[MaxHistogramCategories];
        var c = new long[MaxHistogramCategories];
        for (int k = 0; k < order.Length; k++)
        {
            int slot = Math.Min(k, keep);
            if (k < keep)
            {
                labels.Add(bins.Labels[order[k]]);
            }

            r[slot] += bins.ReferenceCounts[order[k]];
            c[slot] += bins.CurrentCounts[order[k]];
        }

        labels.Add("(other)");
        return new BinnedDistribution(labels, null, r, c);
    }
}
