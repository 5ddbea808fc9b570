using Warden.Core.Inference;
using Warden.Core.Tensors;

namespace Warden.Core.Explanations;

/// <summary>
/// Adapts a loaded ONNX model with one numeric input per feature (shape <c>[N]</c> or <c>[N,1]</c>) to the batch
/// delegate <see cref="ShapleyExplainer"/> expects: rows of feature values become one tensor per input, and the score
/// output (one value per row, or the last class's value when it has several) is read back.
/// </summary>
public sealed class ModelScorer
{
    private readonly LoadedModel _model;
    private readonly string[] _requested;

    /// <summary>Checks the signature and the score output; throws 400 when the model cannot be explained this way.</summary>
    public ModelScorer(LoadedModel model, string scoreOutput)
    {
        _model = model;
        foreach (var input in model.Signature.Inputs)
        {
            var perRow = input.Shape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));
            if (input.Shape.Length is < 1 or > 2 || perRow != 1 || !IsNumeric(input.Datatype))
            {
                throw WardenException.BadRequest(
                    $"input '{input.Name}' ({input.Datatype.ToWire()} [{string.Join(",", input.Shape)}]) is not one numeric value per row; explanations need one numeric input per feature");
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
    }

    /// <summary>Feature (input) names in signature order.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Name of the output read as the score.</summary>
    public string ScoreOutput { get; }

    /// <summary>Scores rows of feature values (in <see cref="Features"/> order).</summary>
    public double[] Score(double[][] rows)
    {
        var n = rows.Length;
        var inputs = new NamedTensor[Features.Count];
        for (var j = 0; j < inputs.Length; j++)
        {
            var spec = _model.Signature.Inputs[j];
            var shape = spec.Shape.Length == 1 ? new long[] { n } : [n, 1];
            inputs[j] = new NamedTensor(spec.Name, spec.Datatype, shape, Column(spec.Datatype, rows, j));
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

            row[j] = tensor.GetDouble(0);
        }

        return row;
    }

    private static bool IsNumeric(TensorDatatype datatype) => datatype is not (TensorDatatype.Bytes or TensorDatatype.Bool);

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
