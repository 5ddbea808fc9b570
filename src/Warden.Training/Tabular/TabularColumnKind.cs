namespace Warden.Training.Tabular;

/// <summary>How a feature column of a CSV is encoded for the model.</summary>
public enum TabularColumnKind
{
    /// <summary>Every present value parses as a number: a FLOAT input; missing values are replaced by the training mean.</summary>
    Numeric,

    /// <summary>Exactly the values yes/no or true/false (any case): a FLOAT input, 1 for yes/true and 0 otherwise.</summary>
    Boolean,

    /// <summary>Anything else, or named by <c>--categorical</c>: a STRING input, one-hot encoded over the training values.</summary>
    Categorical,
}
