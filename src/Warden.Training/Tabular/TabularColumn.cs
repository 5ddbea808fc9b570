namespace Warden.Training.Tabular;

/// <summary>One model input: a CSV column, how it is encoded and what the training rows held.</summary>
/// <param name="Name">The CSV header, which is also the ONNX input name.</param>
/// <param name="Kind">The encoding.</param>
/// <param name="Categories">Distinct training values of a categorical column, ordinal order (empty otherwise).</param>
/// <param name="Missing">Training rows without a value.</param>
/// <param name="Mean">Mean of the present training values (numeric and boolean); a missing value is replaced by it.</param>
public sealed record TabularColumn(string Name, TabularColumnKind Kind, IReadOnlyList<string> Categories, int Missing, double Mean)
{
    /// <summary>Width of the column in the encoded feature vector.</summary>
    public int Width => Kind == TabularColumnKind.Categorical ? Categories.Count : 1;
}
