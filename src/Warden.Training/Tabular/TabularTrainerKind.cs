namespace Warden.Training.Tabular;

/// <summary>The ML.NET learner behind <c>warden train --trainer</c>.</summary>
public enum TabularTrainerKind
{
    /// <summary>L-BFGS logistic regression on min-max normalised features (the demo model's learner).</summary>
    Logistic,

    /// <summary>ML.NET FastTree gradient-boosted trees.</summary>
    FastTree,

    /// <summary>LightGBM gradient-boosted trees through <c>Microsoft.ML.LightGbm</c>.</summary>
    LightGbm,
}
