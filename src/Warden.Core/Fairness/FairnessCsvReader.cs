using Warden.Core.Data;
using System.Globalization;

namespace Warden.Core.Fairness;

/// <summary>Reads a <see cref="FairnessDataset"/> from a CSV file according to <see cref="FairnessCsvOptions"/>.</summary>
public static class FairnessCsvReader
{
    /// <summary>Reads only the needed columns of <paramref name="path"/>.</summary>
    public static FairnessDataset Read(string path, FairnessCsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var needed = new List<string> { options.Label };
        needed.AddRange(options.Sensitive);
        AddIf(needed, options.Prediction);
        AddIf(needed, options.Score);
        AddIf(needed, options.Weight);
        return FromTable(CsvTable.Read(path, needed), options);

        static void AddIf(List<string> list, string? c)
        {
            if (c is not null)
            {
                list.Add(c);
            }
        }
    }

    /// <summary>Converts an already parsed table.</summary>
    public static FairnessDataset FromTable(CsvTable table, FairnessCsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Prediction is null) == (options.Score is null))
        {
            throw new ArgumentException("Give exactly one of a prediction column or a score column.", nameof(options));
        }

        var positive = options.PositiveLabel.Trim();
        var labels = Binary(table.Column(options.Label), positive);
        var weights = options.Weight is null ? null : Numbers(table.Column(options.Weight), options.Weight);
        var sensitive = options.Sensitive.Select(s => new KeyValuePair<string, string[]>(s, table.Column(s))).ToList();
        if (options.Score is not null)
        {
            return FairnessDataset.FromScores(labels, Numbers(table.Column(options.Score), options.Score), options.Threshold, sensitive, weights);
        }

        return FairnessDataset.Create(labels, Binary(table.Column(options.Prediction!), positive), sensitive, null, weights);
    }

    private static byte[] Binary(string[] values, string positive)
    {
        var result = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i].AsSpan().Trim().SequenceEqual(positive) ? (byte)1 : (byte)0;
        }

        return result;
    }

    private static double[] Numbers(string[] values, string column)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.TryParse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out result[i]))
            {
                throw new InvalidDataException($"Column '{column}' row {i + 1}: '{values[i]}' is not a number.");
            }
        }

        return result;
    }
}
