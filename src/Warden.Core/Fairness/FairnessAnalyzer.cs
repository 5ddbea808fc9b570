namespace Warden.Core.Fairness;

/// <summary>
/// Computes a <see cref="FairnessReport"/>: per-group metrics, Fairlearn and AIF360 disparities, inequality indices,
/// calibration, and bootstrap percentile intervals (Efron &amp; Tibshirani 1993, ch. 13) for every estimate.
/// </summary>
/// <remarks>
/// Every estimate is a function of the weighted confusion matrix of each group, so rows are accumulated once into
/// atoms (intersection group × y × ŷ) and every section is a projection of the atoms. A bootstrap resample draws n rows
/// with replacement; without weights that is a draw of n atoms with probabilities rows(atom)/n (alias method), with weights
/// the rows themselves are drawn. Group inclusion (minimum size) and the privileged group are fixed on the full data;
/// intervals use the resamples in which the estimate is defined.
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
        // Atoms are cells of the finest partition (the intersection of all features): every section's cells are unions of atoms,
        // so one pass over the rows feeds all sections and a bootstrap resample only needs atom totals.
        var finest = data.SensitiveFeatures.Count == 1 ? partitions[0]
            : options.IncludeIntersection ? partitions[^1] : GroupPartition.Build(data.SensitiveFeatures);
        var sectionOf = partitions.Select(p => SectionMap(p, finest, data.SensitiveFeatures)).ToArray();
        var (atoms, atomSums, atomRows) = Accumulate(finest, data);
        var sums = partitions.Select(p => new double[p.GroupCount * 4]).ToArray();
        Project(atomSums, sectionOf, sums);
        var rowCounts = new long[partitions.Count][];
        for (var s = 0; s < partitions.Count; s++)
        {
            rowCounts[s] = new long[partitions[s].GroupCount];
            for (var a = 0; a < atomRows.Length; a++)
            {
                rowCounts[s][sectionOf[s][a >> 2]] += atomRows[a];
            }
        }

        var judged = rowCounts.Select(c => c.Select(x => x >= options.MinGroupSize).ToArray()).ToArray();
        var point = new double[layout.Quantities];
        layout.Evaluate(sums, judged, point);

        var b = options.BootstrapResamples;
        double[]? samples = null;
        if (b > 0)
        {
            samples = new double[layout.Quantities * b];
            var w = data.WeightArray;
            var alias = w is null ? new AliasTable(atomRows.Select(c => (double)c).ToArray()) : null;
            var seed = options.Seed;
            var output = samples;
            // Resample r has its own generator seeded from (seed, r), so results do not depend on thread scheduling.
            Parallel.For(0, b, r =>
            {
                var rng = new Xoshiro256(seed + (0x9E3779B97F4A7C15UL * (ulong)(r + 1)));
                var resampledAtoms = new double[atomSums.Length];
                if (alias is not null)
                {
                    // Unweighted: the atom of a uniformly drawn row has probability rows(atom)/n, so drawing atoms is the row bootstrap.
                    for (var i = 0; i < n; i++)
                    {
                        resampledAtoms[alias.Next(ref rng)] += 1;
                    }
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        var idx = rng.NextInt(n);
                        resampledAtoms[atoms[idx]] += w![idx];
                    }
                }

                var resampled = sums.Select(x => new double[x.Length]).ToArray();
                var values = new double[layout.Quantities];
                Project(resampledAtoms, sectionOf, resampled);
                layout.Evaluate(resampled, judged, values);
                for (var q = 0; q < values.Length; q++)
                {
                    output[(q * b) + r] = values[q];
                }
            });
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

        var calibrations = data.ScoreArray is null ? null : Calibrate(finest, sectionOf, partitions, data, options.CalibrationBins);
        var overallCounts = SumGroups(sums[0]);
        var overall = BuildGroup("overall", new Dictionary<string, string>(), n, overallCounts, false, q => Est(layout.OverallOffset + q),
            calibrations?[^1][0]);
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

    private static (int[] Atoms, double[] Sums, long[] Rows) Accumulate(GroupPartition finest, FairnessDataset data)
    {
        var codes = finest.Codes;
        var y = data.LabelArray;
        var p = data.PredictionArray;
        var w = data.WeightArray;
        var atoms = new int[codes.Length];
        var sums = new double[finest.GroupCount * 4];
        var rows = new long[finest.GroupCount * 4];
        for (var i = 0; i < codes.Length; i++)
        {
            var c = (codes[i] << 2) | (y[i] << 1) | p[i];
            atoms[i] = c;
            sums[c] += w is null ? 1.0 : w[i];
            rows[c]++;
        }

        return (atoms, sums, rows);
    }

    /// <summary>For each finest group, the group of <paramref name="section"/> containing it.</summary>
    private static int[] SectionMap(GroupPartition section, GroupPartition finest, IReadOnlyList<SensitiveFeature> features)
    {
        if (ReferenceEquals(section, finest) || section.Features.Length == finest.Features.Length)
        {
            return Enumerable.Range(0, finest.GroupCount).ToArray();
        }

        var k = Array.IndexOf(finest.Features, section.Features[0]);
        var feature = features[k];
        return finest.GroupValues.Select(v => feature.CodeOf(v[k])).ToArray();
    }

    private static void Project(double[] atomSums, int[][] sectionOf, double[][] sums)
    {
        for (var s = 0; s < sums.Length; s++)
        {
            Array.Clear(sums[s]);
            var map = sectionOf[s];
            for (var a = 0; a < atomSums.Length; a++)
            {
                sums[s][(map[a >> 2] << 2) | (a & 3)] += atomSums[a];
            }
        }
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

    /// <summary>Calibration per section group (one pass over the finest groups); the last entry holds the overall bins.</summary>
    private static List<(IReadOnlyList<CalibrationBin> Bins, double? Ece)[]> Calibrate(
        GroupPartition finest, int[][] sectionOf, List<GroupPartition> partitions, FairnessDataset data, int bins)
    {
        var score = data.ScoreArray!;
        var y = data.LabelArray;
        var w = data.WeightArray;
        var codes = finest.Codes;
        var size = finest.GroupCount * bins;
        var weight = new double[size];
        var ws = new double[size];
        var wy = new double[size];
        var count = new long[size];
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

        var result = new List<(IReadOnlyList<CalibrationBin>, double?)[]>();
        var maps = sectionOf.Append(new int[finest.GroupCount]).ToArray();
        var groupCounts = partitions.Select(p => p.GroupCount).Append(1).ToArray();
        for (var s = 0; s < maps.Length; s++)
        {
            var g = groupCounts[s];
            var (sw, sws, swy, sc) = (new double[g * bins], new double[g * bins], new double[g * bins], new long[g * bins]);
            for (var f = 0; f < finest.GroupCount; f++)
            {
                for (var bin = 0; bin < bins; bin++)
                {
                    var from = (f * bins) + bin;
                    var to = (maps[s][f] * bins) + bin;
                    sw[to] += weight[from];
                    sws[to] += ws[from];
                    swy[to] += wy[from];
                    sc[to] += count[from];
                }
            }

            result.Add(Enumerable.Range(0, g).Select(x => Bins(x, bins, sw, sws, swy, sc)).ToArray());
        }

        return result;
    }

    private static (IReadOnlyList<CalibrationBin> Bins, double? Ece) Bins(int g, int bins, double[] weight, double[] ws, double[] wy, long[] count)
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

        return (list, total > 0 ? gap / total : null);
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
