using System.Globalization;
using Warden.Tests;

namespace Warden.Core.Tests;

/// <summary>Numeric columns of samples/data/hmda.csv (quoted integers are parsed as numbers).</summary>
internal static class HmdaRows
{
    public static readonly string[] NumericFeatures = ["pirat", "hirat", "lvrat", "chist", "mhist", "unemp"];

    private static readonly Lazy<(string[] Header, string[][] Rows)> Data = new(Load);

    public static double[] Column(string name)
    {
        int j = Array.IndexOf(Data.Value.Header, name);
        return Data.Value.Rows.Select(r => Parse(r[j])).ToArray();
    }

    /// <summary>Rows as vectors of <see cref="NumericFeatures"/>.</summary>
    public static double[][] FeatureMatrix()
    {
        var columns = NumericFeatures.Select(Column).ToArray();
        return Enumerable.Range(0, columns[0].Length).Select(i => columns.Select(c => c[i]).ToArray()).ToArray();
    }

    private static double Parse(string field) => double.Parse(field.Trim('"'), CultureInfo.InvariantCulture);

    private static (string[] Header, string[][] Rows) Load()
    {
        var lines = File.ReadAllLines(RepoFiles.Path("samples/data/hmda.csv"));
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToArray();
        return (header, lines.Skip(1).Select(l => l.Split(',')).ToArray());
    }
}
