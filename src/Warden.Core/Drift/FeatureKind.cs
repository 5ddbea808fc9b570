namespace Warden.Core.Drift;

/// <summary>How a feature's values are compared: as ordered numbers or as unordered categories.</summary>
public enum FeatureKind
{
    /// <summary>Real-valued feature (Evidently's <c>num</c> column type).</summary>
    Numerical,

    /// <summary>Unordered labels (Evidently's <c>cat</c> column type).</summary>
    Categorical,
}
