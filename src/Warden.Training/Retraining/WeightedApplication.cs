using Microsoft.ML.Data;

namespace Warden.Training.Retraining;

/// <summary>An HMDA training row with its example weight, as the weighted retraining fit reads it.</summary>
internal sealed class WeightedApplication
{
    /// <summary>Name of the example weight column given to L-BFGS.</summary>
    public const string WeightColumn = "weight";

    [ColumnName("pirat")]
    public float Pirat { get; set; }

    [ColumnName("hirat")]
    public float Hirat { get; set; }

    [ColumnName("lvrat")]
    public float Lvrat { get; set; }

    [ColumnName("chist")]
    public float Chist { get; set; }

    [ColumnName("mhist")]
    public float Mhist { get; set; }

    [ColumnName("phist")]
    public float Phist { get; set; }

    [ColumnName("unemp")]
    public float Unemp { get; set; }

    [ColumnName("selfemp")]
    public float Selfemp { get; set; }

    [ColumnName("insurance")]
    public float Insurance { get; set; }

    [ColumnName("condomin")]
    public float Condomin { get; set; }

    [ColumnName("single")]
    public float Single { get; set; }

    [ColumnName("hschool")]
    public float Hschool { get; set; }

    [ColumnName("deny")]
    public bool Deny { get; set; }

    [ColumnName(WeightColumn)]
    public float Weight { get; set; }

    public static WeightedApplication From(HmdaApplication row, float weight) => new()
    {
        Pirat = row.Pirat, Hirat = row.Hirat, Lvrat = row.Lvrat, Chist = row.Chist, Mhist = row.Mhist, Phist = row.Phist, Unemp = row.Unemp,
        Selfemp = row.Selfemp, Insurance = row.Insurance, Condomin = row.Condomin, Single = row.Single, Hschool = row.Hschool, Deny = row.Deny,
        Weight = weight,
    };
}
