using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Explanations;

/// <summary>
/// Adapts a loaded ONNX model with one input per feature (shape <c>[N]</c> or <c>[N,1]</c>) to the batch delegate
/// <see cref="ShapleyExplainer"/> expects: rows of feature values become one tensor per input, and the score output (one
/// value per row, or the last class's value when it has several) is read back. A STRING (BYTES) input is a categorical
/// feature: the explainer only copies feature values between the explained row and background rows, so its values
/// travel as indices into a category list (the background's values, then any new value of an explained row) and are
/// turned back into strings when the model runs.
/// </summary>
public sealed class ModelScorer
{
    private readonly LoadedModel _model;
    private readonly string[] _requested;
    private readonly List<string>?[] _categories;

    /// <summary>Checks the signature and the score output; throws 400 when the model cannot be explained this way.</summary>
    public ModelScorer(LoadedModel model, string scoreOutput)
    {
        _model = model;
        foreach (var input in model.Signature.Inputs)
        {
            var perRow = input.Shape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));
            if (input.Shape.Length is < 1 or > 2 || perRow != 1 || input.Datatype == TensorDatatype.Bool)
            {
                throw WardenException.BadRequest(
                    $"input '{input.Name}' ({input.Datatype.ToWire()} [{string.Join(",", input.Shape)}]) is not one numeric or string value per row; explanations need one input per feature");
            }
        }

        var output = model.Signature.FindOutput(scoreOutput)
            ?? throw WardenException.BadRequest($"score output '{scoreOutput}' is not produced by the model; outputs: {string.Join(", ", model.Signature.Outputs.Select(o => o.Name))}");
        if (!IsNumeric(output.Datatype))
        {
            throw WardenException.BadRequest($"score output '{scoreOutput}' is {output.Datatype.ToWire()}, not numeric");
        }

        ScoreOutput = scoreOutput;
        Features = model.Signature.Inputs.Select(i => i.Name).ToArray();
        _requested = [scoreOutput];
        _categories = model.Signature.Inputs.Select(i => i.Datatype == TensorDatatype.Bytes ? new List<string>() : null).ToArray();
    }

    /// <summary>Feature (input) names in signature order.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Name of the output read as the score.</summary>
    public string ScoreOutput { get; }

    /// <summary>True when feature <paramref name="j"/> is a STRING input whose values are category indices.</summary>
    public bool IsCategorical(int j) => _categories[j] is not null;

    /// <summary>The category that index <paramref name="value"/> of categorical feature <paramref name="j"/> stands for.</summary>
    public string Category(int j, double value) => _categories[j]![(int)value];

    /// <summary>
    /// The background's rows in <see cref="Features"/> order: numeric columns as numbers, the columns of STRING inputs as
    /// category indices (registering their values as categories). Throws 400 naming a missing or unusable column.
    /// </summary>
    public double[][] BackgroundRows(BackgroundSample background)
    {
        var missing = Features.Where(f => !background.HasColumn(f)).ToList();
        if (missing.Count > 0)
        {
            throw WardenException.BadRequest($"the background sample lacks columns for model inputs: {string.Join(", ", missing)}");
        }

        var columns = new double[Features.Count][];
        for (var j = 0; j < columns.Length; j++)
        {
            columns[j] = IsCategorical(j) ? background.Text(Features[j]).Select(v => (double)Encode(j, v)).ToArray() : background.Column(Features[j]);
        }

        var rows = new double[background.RowCount][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[columns.Length];
            for (var j = 0; j < columns.Length; j++)
            {
                rows[r][j] = columns[j][r];
            }
        }

        return rows;
    }

    /// <summary>Scores rows of feature values (in <see cref="Features"/> order).</summary>
    public double[] Score(double[][] rows)
    {
        var n = rows.Length;
        var inputs = new NamedTensor[Features.Count];
        for (var j = 0; j < inputs.Length; j++)
        {
            var spec = _model.Signature.Inputs[j];
            var shape = spec.Shape.Length == 1 ? new long[] { n } : [n, 1];
            inputs[j] = new NamedTensor(spec.Name, spec.Datatype, shape, _categories[j] is { } categories ? Strings(categories, rows, j) : Column(spec.Datatype, rows, j));
        }

        var output = _model.Run(inputs, _requested)[0];
        var total = output.Data.Length;
        var perRow = n == 0 ? 0 : total / n;
        var scores = new double[n];
        for (var r = 0; r < n; r++)
        {
            scores[r] = output.GetDouble((r * perRow) + perRow - 1);
        }

        return scores;
    }

    /// <summary>Reads one row of feature values from bound inputs that each hold a single element.</summary>
    public double[] Row(IReadOnlyList<NamedTensor> inputs)
    {
        var row = new double[Features.Count];
        for (var j = 0; j < row.Length; j++)
        {
            var tensor = inputs.FirstOrDefault(t => t.Name == Features[j])
                ?? throw WardenException.BadRequest($"missing input '{Features[j]}'");
            if (tensor.Data.Length != 1)
            {
                throw WardenException.BadRequest($"input '{tensor.Name}' has {tensor.Data.Length} values; an explanation is for exactly one row");
            }

            row[j] = IsCategorical(j)
                ? tensor.Data is string[] text ? Encode(j, text[0]) : throw WardenException.BadRequest($"input '{tensor.Name}' must be BYTES (a string)")
                : tensor.GetDouble(0);
        }

        return row;
    }

    private static bool IsNumeric(TensorDatatype datatype) => datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool);

    private int Encode(int j, string value)
    {
        var categories = _categories[j]!;
        var index = categories.IndexOf(value);
        if (index < 0)
        {
            categories.Add(value);
            index = categories.Count - 1;
        }

        return index;
    }

    private static string[] Strings(List<string> categories, double[][] rows, int j)
    {
        var values = new string[rows.Length];
        for (var r = 0; r < values.Length; r++)
        {
            values[r] = categories[(int)rows[r][j]];
        }

        return values;
    }

    private static Array Column(TensorDatatype datatype, double[][] rows, int j)
    {
        var n = rows.Length;
        switch (datatype)
        {
            case TensorDatatype.Fp32:
                var f = new float[n];
                for (var r = 0; r < n; r++)
                {
                    f[r] = (float)rows[r][j];
                }

                return f;
            case TensorDatatype.Fp64:
                var d = new double[n];
                for (var r = 0; r < n; r++)
                {
                    d[r] = rows[r][j];
                }

                return d;
            case TensorDatatype.Int64:
                return rows.Select(r => (long)Math.Round(r[j])).ToArray();
            case TensorDatatype.Int32:
                return rows.Select(r => (int)Math.Round(r[j])).ToArray();
            case TensorDatatype.Fp16:
                return rows.Select(r => (Half)r[j]).ToArray();
            default:
                throw WardenException.BadRequest($"input datatype {datatype.ToWire()} is not supported by explanations");
        }
    }
}
