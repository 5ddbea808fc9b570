namespace Warden.Core.Explanations;

/// <summary>
/// The interventional value function v(S) = (1/N) Σ_b f(x_S, b_{\S}) over a background set (Janzing, Minorics &amp;
/// Blöbaum 2020, "Feature relevance quantification in explainable AI: A causal problem", AISTATS; this is what SHAP's
/// KernelExplainer and ExactExplainer estimate with a background masker).
/// </summary>
internal sealed class CoalitionValueFunction
{
    private readonly Func<double[][], double[]> _model;
    private readonly double[][] _background;
    private readonly int _batchSize;

    public CoalitionValueFunction(Func<double[][], double[]> model, double[][] background, int batchSize)
    {
        _model = model;
        _background = background;
        _batchSize = batchSize;
    }

    /// <summary>Rows passed to the model so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>Calls the model on <paramref name="rows"/> and checks it answered one output per row.</summary>
    public double[] Predict(double[][] rows)
    {
        var outputs = _model(rows) ?? throw new InvalidOperationException("The model delegate returned null.");
        if (outputs.Length != rows.Length)
        {
            throw new InvalidOperationException(
                $"The model delegate returned {outputs.Length} outputs for {rows.Length} rows.");
        }

        Evaluations += rows.Length;
        return outputs;
    }

    /// <summary>
    /// Evaluates v for <paramref name="coalitionCount"/> coalitions; <paramref name="fillMask"/> writes coalition c's
    /// membership (true = the feature takes x's value) into the mask it is given. Composite rows for all coalitions ×
    /// background rows are streamed through the model in batches, so memory stays O(batch size × M).
    /// </summary>
    public double[] Evaluate(double[] x, int coalitionCount, Action<int, bool[]> fillMask)
    {
        var m = x.Length;
        var n = _background.Length;
        var sums = new double[coalitionCount];
        var totalRows = (long)coalitionCount * n;
        var batchRows = (int)Math.Min(_batchSize, totalRows);
        var buffer = new double[batchRows][];
        for (var r = 0; r < batchRows; r++)
        {
            buffer[r] = new double[m];
        }

        var mask = new bool[m];
        var currentCoalition = -1;
        long next = 0;
        while (next < totalRows)
        {
            var count = (int)Math.Min(batchRows, totalRows - next);
            for (var r = 0; r < count; r++)
            {
                var global = next + r;
                var coalition = (int)(global / n);
                if (coalition != currentCoalition)
                {
                    Array.Clear(mask);
                    fillMask(coalition, mask);
                    currentCoalition = coalition;
                }

                var b = _background[(int)(global % n)];
                var row = buffer[r];
                for (var j = 0; j < m; j++)
                {
                    row[j] = mask[j] ? x[j] : b[j];
                }
            }

            var rows = count == buffer.Length ? buffer : buffer[..count];
            var outputs = Predict(rows);
            for (var r = 0; r < count; r++)
            {
                sums[(int)((next + r) / n)] += outputs[r];
            }

            next += count;
        }

        for (var c = 0; c < coalitionCount; c++)
        {
            sums[c] /= n;
        }

        return sums;
    }
}
