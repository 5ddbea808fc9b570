namespace Warden.Core.Fairness;

/// <summary>
/// Computes a <see cref="FairnessReport"/>: per-group metrics, Fairlearn and AIF360 disparities, inequality indices,
/// calibration, and bootstrap percentile intervals (Efron &amp; Tibshirani 1993, ch. 13) for every estimate.
/// </summary>
/// <remarks>
/// Every estimate is a function of the weighted confusion matrix of each group, so one pass over the rows per
/// partition (cell = 4·group + 2y + ŷ) suffices; a bootstrap resample draws n row indices with replacement and
/// re-accumulates the same cells. Group inclusion (minimum size) and the privileged group are fixed on the full data.
/// </remarks>
public static class FairnessAnalyzer
{
    private const int RateCount = 11;
    private const int InequalityCount = 2;

    /// <summary>Analyses <paramref name="data"/>.</summary>
    public static FairnessReport Analyze(FairnessDataset data, FairnessOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new FairnessOptions();
        Validate(data, options);
        var partitions = data.SensitiveFeatures.Select(f => GroupPartition.Build([f])).ToList();
        if (options.IncludeIntersection && data.SensitiveFeatures.Count > 1)
        {
            partitions.Add(GroupPartition.Build(data.SensitiveFeatures));
        }

        var layout = new Layout(partitions, options);
        var n = data.RowCount;
        var cells = new int[partitions.Count][];
        var sums = new double[partitions.Count][];
        var rowCounts = new long[partitions.Count][];
        for (var s = 0; s < partitions.Count; s++)
        {
            (cells[s], sums[s], rowCounts[s]) = Accumulate(partitions[s], data);
        }

        var judged = rowCounts.Select(c => c.Select(x => x >= options.MinGroupSize).ToArray()).ToArray();
        var point = new double[layout.Quantities];
        layout.Evaluate(sums, judged, point);

        var b = options.BootstrapResamples;
        double[]? samples = null;
        if (b > 0)
        {
            samples = new double[layout.Quantities * b];
            var rng = new Xoshiro256(options.Seed);
            var resampled = sums.Select(x => new double[x.Length]).ToArray();
            var values = new double[layout.Quantities];
            var w = data.WeightArray;
            for (var r = 0; r < b; r++)
            {
                foreach (var x in resampled)
                {
                    Array.Clear(x);
                }

                for (var i = 0; i < n; i++)
                {
                    var idx = rng.NextInt(n);
                    var wi = w is null ? 1.0 : w[idx];
                    for (var s = 0; s < cells.Length; s++)
                    {
                        resampled[s][cells[s][idx]] += wi;
                    }
                }

                layout.Evaluate(resampled, judged, values);
                for (var q = 0; q < values.Length; q++)
                {
                    samples[(q * b) + r] = values[q];
                }
            }
        }

        var alpha = (1 - options.ConfidenceLevel) / 2;
        Estimate Est(int q)
        {
            var v = double.IsNaN(point[q]) ? (double?)null : point[q];
            if (samples is null)
            {
                return new Estimate(v);
            }

            var (lo, hi) = Percentiles(samples.AsSpan(q * b, b), alpha);
            return new Estimate(v, lo, hi);
        }

        var calibrations = data.ScoreArray is null ? null : partitions.Select(p => Calibrate(p, data, options.CalibrationBins)).ToList();
        var overallCounts = SumGroups(sums[0]);
        var overall = BuildGroup("overall", new Dictionary<string, string>(), n, overallCounts, false, q => Est(layout.OverallOffset + q),
            calibrations is null ? null : Calibrate(new int[n], 1, data, options.CalibrationBins)[0]);
        var inequality = new List<Disparity>
        {
            ToDisparity("theil_index", "inequality", Est(layout.InequalityOffset)),
            ToDisparity(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"generalized_entropy_index_alpha_{options.GeneralizedEntropyAlpha}"), "inequality", Est(layout.InequalityOffset + 1)),
        };

        var sections = new List<FairnessSection>();
        for (var s = 0; s < partitions.Count; s++)
        {
            var part = partitions[s];
            var groups = new List<GroupMetrics>();
            for (var g = 0; g < part.GroupCount; g++)
            {
                var values = part.Features.Select((f, i) => (f, part.GroupValues[g][i])).ToDictionary(t => t.f, t => t.Item2);
                var offset = layout.GroupOffset(s, g);
                groups.Add(BuildGroup(part.GroupKey(g), values, rowCounts[s][g], ConfusionCounts.FromCells(sums[s], 4 * g), !judged[s][g],
                    q => Est(offset + q), calibrations?[s][g]));
            }

            var names = layout.DisparityNames(s);
            var disparities = names.Select((nm, d) => ToDisparity(nm.Name, nm.Family, Est(layout.DisparityOffset(s) + d))).ToList();
            sections.Add(new FairnessSection
            {
                Key = part.SectionKey,
                Features = part.Features,
                PrivilegedGroup = layout.Privileged(s) is var pg and >= 0 ? part.GroupKey(pg) : null,
                Groups = groups,
                ExcludedGroups = groups.Where(g => g.TooSmall).Select(g => g.Key).ToList(),
                Disparities = disparities,
            });
        }

        return new FairnessReport
        {
            Dataset = new DatasetSummary
            {
                Rows = n,
                TotalWeight = overallCounts.Total,
                Weighted = data.WeightArray is not null,
                HasScores = data.ScoreArray is not null,
                SensitiveFeatures = data.SensitiveFeatures.Select(f => f.Name).ToList(),
                Source = source,
            },
            Options = options,
            Overall = overall,
            Inequality = inequality,
            Sections = sections,
        };
    }

    /// <summary>numpy-style linear-interpolated percentiles of the defined (non-NaN) values.</summary>
    internal static (double? Lower, double? Upper) Percentiles(ReadOnlySpan<double> values, double alpha)
    {
        var defined = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                defined.Add(v);
            }
        }

        if (defined.Count == 0)
        {
            return (null, null);
        }

        defined.Sort();
        return (Quantile(defined, alpha), Quantile(defined, 1 - alpha));

        static double Quantile(List<double> sorted, double q)
        {
            var h = (sorted.Count - 1) * q;
            var lo = (int)Math.Floor(h);
            var hi = Math.Min(lo + 1, sorted.Count - 1);
            return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
        }
    }

    private static Disparity ToDisparity(string name, string family, Estimate e) => new(name, family, e.Value, e.Lower, e.Upper);

    private static void Validate(FairnessDataset data, FairnessOptions options)
    {
        if (options.MinGroupSize < 0 || options.BootstrapResamples < 0 || options.CalibrationBins < 1)
        {
            throw new ArgumentException("MinGroupSize and BootstrapResamples must be non-negative and CalibrationBins positive.", nameof(options));
        }

        if (!(options.ConfidenceLevel > 0 && options.ConfidenceLevel < 1))
        {
            throw new ArgumentException("ConfidenceLevel must lie in (0, 1).", nameof(options));
        }

        if (data.RowCount == 0)
        {
            throw new ArgumentException("The dataset has no rows.", nameof(data));
        }

        foreach (var (feature, value) in options.Privileged)
        {
            var f = data.SensitiveFeatures.FirstOrDefault(x => x.Name == feature)
                ?? throw new ArgumentException($"Privileged feature '{feature}' is not a sensitive feature.", nameof(options));
            if (f.CodeOf(value) < 0)
            {
                throw new ArgumentException($"Privileged value '{value}' does not occur in '{feature}' (values: {string.Join(", ", f.Categories)}).", nameof(options));
            }
        }
    }

    private static (int[] Cells, double[] Sums, long[] Rows) Accumulate(GroupPartition part, FairnessDataset data)
    {
        var codes = part.Codes;
        var y = data.LabelArray;
        var p = data.PredictionArray;
        var w = data.WeightArray;
        var cells = new int[codes.Length];
        var sums = new double[part.GroupCount * 4];
        var rows = new long[part.GroupCount];
        for (var i = 0; i < codes.Length; i++)
        {
            var c = (codes[i] << 2) | (y[i] << 1) | p[i];
            cells[i] = c;
            sums[c] += w is null ? 1.0 : w[i];
            rows[codes[i]]++;
        }

        return (cells, sums, rows);
    }

    private static ConfusionCounts SumGroups(double[] sums)
    {
        var total = default(ConfusionCounts);
        for (var o = 0; o < sums.Length; o += 4)
        {
            total += ConfusionCounts.FromCells(sums, o);
        }

        return total;
    }

    private static GroupMetrics BuildGroup(
        string key, IReadOnlyDictionary<string, string> values, long count, ConfusionCounts confusion, bool tooSmall,
        Func<int, Estimate> est, (IReadOnlyList<CalibrationBin> Bins, double? Ece)? calibration) => new()
        {
            Key = key,
            Values = values,
            Count = count,
            Weight = confusion.Total,
            TooSmall = tooSmall,
            Confusion = confusion,
            SelectionRate = est((int)FairnessMetric.SelectionRate),
            BaseRate = est((int)FairnessMetric.BaseRate),
            Accuracy = est((int)FairnessMetric.Accuracy),
            TruePositiveRate = est((int)FairnessMetric.TruePositiveRate),
            FalsePositiveRate = est((int)FairnessMetric.FalsePositiveRate),
            FalseNegativeRate = est((int)FairnessMetric.FalseNegativeRate),
            TrueNegativeRate = est((int)FairnessMetric.TrueNegativeRate),
            PositivePredictiveValue = est((int)FairnessMetric.PositivePredictiveValue),
            FalseDiscoveryRate = est((int)FairnessMetric.FalseDiscoveryRate),
            FalseOmissionRate = est((int)FairnessMetric.FalseOmissionRate),
            NegativePredictiveValue = est((int)FairnessMetric.NegativePredictiveValue),
            Calibration = calibration?.Bins,
            CalibrationError = calibration?.Ece,
        };

    private static (IReadOnlyList<CalibrationBin> Bins, double? Ece)[] Calibrate(GroupPartition part, FairnessDataset data, int bins) =>
        Calibrate(part.Codes, part.GroupCount, data, bins);

    private static (IReadOnlyList<CalibrationBin> Bins, double? Ece)[] Calibrate(int[] codes, int groups, FairnessDataset data, int bins)
    {
        var score = data.ScoreArray!;
        var y = data.LabelArray;
        var w = data.WeightArray;
        var weight = new double[groups * bins];
        var ws = new double[groups * bins];
        var wy = new double[groups * bins];
        var count = new long[groups * bins];
        for (var i = 0; i < codes.Length; i++)
        {
            var bin = (int)(score[i] * bins);
            bin = bin < 0 ? 0 : bin >= bins ? bins - 1 : bin;
            var k = (codes[i] * bins) + bin;
            var wi = w is null ? 1.0 : w[i];
            weight[k] += wi;
            ws[k] += wi * score[i];
            wy[k] += wi * y[i];
            count[k]++;
        }

        var result = new (IReadOnlyList<CalibrationBin>, double?)[groups];
        for (var g = 0; g < groups; g++)
        {
            var list = new List<CalibrationBin>(bins);
            double total = 0, gap = 0;
            for (var bin = 0; bin < bins; bin++)
            {
                var k = (g * bins) + bin;
                var defined = weight[k] > 0;
                double? mean = defined ? ws[k] / weight[k] : null;
                double? observed = defined ? wy[k] / weight[k] : null;
                list.Add(new CalibrationBin((double)bin / bins, (double)(bin + 1) / bins, count[k], weight[k], mean, observed));
                if (defined)
                {
                    total += weight[k];
                    gap += weight[k] * Math.Abs(mean!.Value - observed!.Value);
                }
            }

            result[g] = (list, total > 0 ? gap / total : null);
        }

        return result;
    }

    /// <summary>Positions of every estimate in one flat vector so point and bootstrap evaluation share code.</summary>
    private sealed class Layout
    {
        private readonly List<GroupPartition> partitions;
        private readonly int[] groupOffsets;
        private readonly int[] disparityOffsets;
        private readonly int[] privileged;
        private readonly IReadOnlyList<(string Name, string Family)>[] names;
        private readonly double alpha;

        internal Layout(List<GroupPartition> partitions, FairnessOptions options)
        {
            this.partitions = partitions;
            alpha = options.GeneralizedEntropyAlpha;
            OverallOffset = 0;
            InequalityOffset = RateCount;
            var q = RateCount + InequalityCount;
            groupOffsets = new int[partitions.Count];
            disparityOffsets = new int[partitions.Count];
            privileged = new int[partitions.Count];
            names = new IReadOnlyList<(string, string)>[partitions.Count];
            for (var s = 0; s < partitions.Count; s++)
            {
                var part = partitions[s];
                privileged[s] = FindPrivileged(part, options.Privileged);
                names[s] = DisparityCalculator.Names(privileged[s] >= 0);
                groupOffsets[s] = q;
                q += part.GroupCount * RateCount;
                disparityOffsets[s] = q;
                q += names[s].Count;
            }

            Quantities = q;
        }

        internal int Quantities { get; }

        internal int OverallOffset { get; }

        internal int InequalityOffset { get; }

        internal int GroupOffset(int s, int g) => groupOffsets[s] + (g * RateCount);

        internal int DisparityOffset(int s) => disparityOffsets[s];

        internal int Privileged(int s) => privileged[s];

        internal IReadOnlyList<(string Name, string Family)> DisparityNames(int s) => names[s];

        internal void Evaluate(double[][] sums, bool[][] judged, double[] output)
        {
            var overall = SumGroups(sums[0]);
            WriteRates(overall, output, OverallOffset);
            output[InequalityOffset] = InequalityIndex.Theil(overall) ?? double.NaN;
            output[InequalityOffset + 1] = InequalityIndex.GeneralizedEntropy(overall, alpha) ?? double.NaN;
            for (var s = 0; s < partitions.Count; s++)
            {
                var groups = new ConfusionCounts[partitions[s].GroupCount];
                for (var g = 0; g < groups.Length; g++)
                {
                    groups[g] = ConfusionCounts.FromCells(sums[s], 4 * g);
                    WriteRates(groups[g], output, GroupOffset(s, g));
                }

                DisparityCalculator.Compute(groups, judged[s], privileged[s], output.AsSpan(disparityOffsets[s], names[s].Count));
            }
        }

        private static void WriteRates(ConfusionCounts c, double[] output, int offset)
        {
            foreach (var m in FairnessMetricNames.All)
            {
                output[offset + (int)m] = c.Rate(m) ?? double.NaN;
            }
        }

        private static int FindPrivileged(GroupPartition part, IReadOnlyDictionary<string, string> declared)
        {
            if (!part.Features.All(declared.ContainsKey))
            {
                return -1;
            }

            var wanted = part.Features.Select(f => declared[f]).ToArray();
            for (var g = 0; g < part.GroupCount; g++)
            {
                if (part.GroupValues[g].SequenceEqual(wanted, StringComparer.Ordinal))
                {
                    return g;
                }
            }

            return -1;
        }
    }
}
