using System.Globalization;
using System.Text.Json;

namespace Warden.Core.Tests.Explanations;

/// <summary>Output of tests/fixtures/explanations/hmda_logistic_shap.py: a logistic fit and exact φ from Python.</summary>
internal sealed record HmdaLogisticFixture(string[] Features, double Intercept, double[] Weights, int BackgroundEvery, HmdaExplainedRow[] Explained)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static HmdaLogisticFixture Load() =>
        JsonSerializer.Deserialize<HmdaLogisticFixture>(
            File.ReadAllText(Warden.Tests.RepoFiles.Path("tests/fixtures/explanations/hmda_logistic_shap.json")), Options)
        ?? throw new InvalidOperationException("empty fixture");

    public double Predict(double[] x)
    {
        var z = Intercept;
        for (var i = 0; i < Weights.Length; i++)
        {
            z += Weights[i] * x[i];
        }

        return 1.0 / (1.0 + Math.Exp(-z));
    }

    /// <summary>Reads the named HMDA columns (yes/no as 1/0) and the deny label.</summary>
    public static (double[][] Rows, double[] Deny) ReadHmda(string[] features)
    {
        var lines = File.ReadAllLines(Warden.Tests.RepoFiles.Path("samples/data/hmda.csv"));
        var header = lines[0].Split(',').Select(h => h.Trim('"')).ToList();
        var columns = features.Select(f => header.IndexOf(f)).ToArray();
        var deny = header.IndexOf("deny");
        var rows = new List<double[]>();
        var labels = new List<double>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',').Select(c => c.Trim('"')).ToArray();
            rows.Add(columns.Select(c => Parse(cells[c])).ToArray());
            labels.Add(Parse(cells[deny]));
        }

        return ([.. rows], [.. labels]);
    }

    private static double Parse(string cell) => cell switch
    {
        "yes" => 1,
        "no" => 0,
        _ => double.Parse(cell, CultureInfo.InvariantCulture),
    };
}
