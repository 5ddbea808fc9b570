using System.Text.Json;

namespace Warden.Core.Drift;

/// <summary>
/// What Warden keeps of a reference (training) data set to test drift later without the raw data: per feature its
/// kind, counts, moments, category list and a seeded sample of at most <see cref="SampleSize"/> rows. Every drift test
/// runs on the sample, so the profile is self-sufficient and JSON-serialisable.
/// </summary>
public sealed record ReferenceProfile
{
    /// <summary>Version of this JSON layout.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Default row cap of the sample.</summary>
    public const int DefaultSampleSize = 5000;

    /// <summary>Default sampling seed.</summary>
    public const int DefaultSeed = 20240601;

    /// <summary>Layout version; readers reject versions they do not know.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Rows in the full reference.</summary>
    public long RowCount { get; init; }

    /// <summary>Row cap used when sampling.</summary>
    public int SampleSize { get; init; } = DefaultSampleSize;

    /// <summary>Seed of the row sample.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Per-feature summaries in column order.</summary>
    public IReadOnlyList<FeatureProfile> Features { get; init; } = [];

    /// <summary>Finds a feature by name.</summary>
    public FeatureProfile? Find(string name)
    {
        foreach (var f in Features)
        {
            if (f.Name == name)
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>
    /// Profiles every column. One row sample (without replacement, partial Fisher–Yates with
    /// <c>new Random(seed)</c>, rows kept in original order) is shared by all features so joint structure survives.
    /// </summary>
    public static ReferenceProfile Build(ColumnSet data, int sampleSize = DefaultSampleSize, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleSize, 1);
        int[] rows = SampleRows(data.RowCount, sampleSize, seed);
        var features = new List<FeatureProfile>(data.Columns.Count);
        foreach (var column in data.Columns)
        {
            features.Add(column.Kind == FeatureKind.Numerical
                ? ProfileNumerical(column.Name, column.Numbers!, rows)
                : ProfileCategorical(column.Name, column.Labels!, rows));
        }

        return new ReferenceProfile { RowCount = data.RowCount, SampleSize = sampleSize, Seed = seed, Features = features };
    }

    /// <summary>Reads a CSV (see <see cref="ColumnSet.FromCsv(string, IEnumerable{string}?)"/>) and profiles it.</summary>
    public static ReferenceProfile FromCsv(string path, int sampleSize = DefaultSampleSize, int seed = DefaultSeed, IEnumerable<string>? categorical = null) =>
        Build(ColumnSet.FromCsv(path, categorical), sampleSize, seed);

    /// <summary>Serialises to indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DriftJson.Options);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static ReferenceProfile FromJson(string json)
    {
        var profile = JsonSerializer.Deserialize<ReferenceProfile>(json, DriftJson.Options)
            ?? throw new FormatException("Empty reference profile JSON.");
        if (profile.SchemaVersion != CurrentSchemaVersion)
        {
            throw new FormatException($"Unsupported reference profile schemaVersion {profile.SchemaVersion}; expected {CurrentSchemaVersion}.");
        }

        return profile;
    }

    private static int[] SampleRows(int rowCount, int sampleSize, int seed)
    {
        var all = new int[rowCount];
        for (int r = 0; r < rowCount; r++)
        {
            all[r] = r;
        }

        if (rowCount <= sampleSize)
        {
            return all;
        }

        var random = new Random(seed);
        for (int k = 0; k < sampleSize; k++)
        {
            int pick = random.Next(k, rowCount);
            (all[k], all[pick]) = (all[pick], all[k]);
        }

        var chosen = all[..sampleSize];
        Array.Sort(chosen);
        return chosen;
    }

    private static FeatureProfile ProfileNumerical(string name, double[] values, int[] rows)
    {
        long count = 0;
        double mean = 0, m2 = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        var distinct = new HashSet<double>();
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            // Welford's update keeps the variance accurate for large offsets.
            count++;
            double delta = v - mean;
            mean += delta / count;
            m2 += delta * (v - mean);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            distinct.Add(v);
        }

        var sample = new List<double>(rows.Length);
        foreach (int r in rows)
        {
            if (double.IsFinite(values[r]))
            {
                sample.Add(values[r]);
            }
        }

        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Numerical,
            Count = count,
            Missing = values.Length - count,
            DistinctCount = distinct.Count,
            Mean = count > 0 ? mean : null,
            StdDev = count > 0 ? Math.Sqrt(m2 / count) : null,
            Min = count > 0 ? min : null,
            Max = count > 0 ? max : null,
            NumericSample = sample.ToArray(),
        };
    }

    private static FeatureProfile ProfileCategorical(string name, string?[] values, int[] rows)
    {
        var distinct = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        foreach (string? v in values)
        {
            if (v is not null)
            {
                count++;
                distinct[v] = distinct.GetValueOrDefault(v) + 1;
            }
        }

        var sample = new List<string>(rows.Length);
        foreach (int r in rows)
        {
            if (values[r] is { } v)
            {
                sample.Add(v);
            }
        }

        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Categorical,
            Count = count,
            Missing = values.Length - count,
            DistinctCount = distinct.Count,
            Categories = distinct.Keys.ToArray(),
            CategoryCounts = distinct.Values.ToArray(),
            CategorySample = sample.ToArray(),
        };
    }
}
