using Microsoft.ML.Data;

namespace Warden.Training;

/// <summary>
/// One mortgage application of the Boston HMDA data (Munnell, Tootell, Browne &amp; McEneaney 1996), with yes/no
/// columns encoded as 1/0. Column names are the data set's and become the ONNX input names.
/// </summary>
public sealed class HmdaApplication
{
    /// <summary>Column name of <see cref="Weight"/>.</summary>
    public const string WeightColumn = "weight";

    /// <summary>Payments-to-income ratio.</summary>
    [ColumnName("pirat")]
    public float Pirat { get; set; }

    /// <summary>Housing-expense-to-income ratio.</summary>
    [ColumnName("hirat")]
    public float Hirat { get; set; }

    /// <summary>Loan-to-value ratio.</summary>
    [ColumnName("lvrat")]
    public float Lvrat { get; set; }

    /// <summary>Consumer credit history, 1 (best) to 6.</summary>
    [ColumnName("chist")]
    public float Chist { get; set; }

    /// <summary>Mortgage credit history, 1 (best) to 4.</summary>
    [ColumnName("mhist")]
    public float Mhist { get; set; }

    /// <summary>Public bad credit record (1 = yes).</summary>
    [ColumnName("phist")]
    public float Phist { get; set; }

    /// <summary>1989 Massachusetts unemployment rate in the applicant's industry, percent.</summary>
    [ColumnName("unemp")]
    public float Unemp { get; set; }

    /// <summary>Self-employed (1 = yes).</summary>
    [ColumnName("selfemp")]
    public float Selfemp { get; set; }

    /// <summary>Denied mortgage insurance (1 = yes).</summary>
    [ColumnName("insurance")]
    public float Insurance { get; set; }

    /// <summary>Unit is a condominium (1 = yes).</summary>
    [ColumnName("condomin")]
    public float Condomin { get; set; }

    /// <summary>Applicant is single (1 = yes).</summary>
    [ColumnName("single")]
    public float Single { get; set; }

    /// <summary>Applicant has a high-school diploma (1 = yes).</summary>
    [ColumnName("hschool")]
    public float Hschool { get; set; }

    /// <summary>Applicant is African-American (1 = yes). Sensitive attribute: never a model input, kept for fairness audits.</summary>
    [ColumnName("afam")]
    public float Afam { get; set; }

    /// <summary>Mortgage denied: the label.</summary>
    [ColumnName("deny")]
    public bool Deny { get; set; }

    /// <summary>
    /// Example weight, read only by fits that name it (<see cref="WeightColumn"/>; retraining with weighted feedback). 1
    /// otherwise; never a model input (the ONNX export keeps only <see cref="HmdaDataset.FeatureNames"/>).
    /// </summary>
    [ColumnName(WeightColumn)]
    public float Weight { get; set; } = 1f;

    /// <summary>The model inputs of this application, in <see cref="HmdaDataset.FeatureNames"/> order.</summary>
    public float[] Features() =>
        [Pirat, Hirat, Lvrat, Chist, Mhist, Phist, Unemp, Selfemp, Insurance, Condomin, Single, Hschool];
}
