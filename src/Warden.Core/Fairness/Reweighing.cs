namespace Warden.Core.Fairness;

/// <summary>
/// Reweighing pre-processing of Kamiran &amp; Calders (2012), "Data preprocessing techniques for classification without
/// discrimination", Knowledge and Information Systems 33(1): each row of group g and label y gets weight
/// w(g, y) = P(g)·P(y) / P(g, y), making label and group independent under the weighted distribution
/// (as AIF360's <c>Reweighing</c>, generalised to any number of groups; probabilities use existing sample weights when present).
/// </summary>
public static class Reweighing
{
    /// <summary>Computes weights, grouping by the intersection of all sensitive features of <paramref name="data"/>.</summary>
    public static ReweighingResult Fit(FairnessDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var part = GroupPartition.Build(data.SensitiveFeatures);
        var y = data.LabelArray;
        var w = data.WeightArray;
        var cell = new double[part.GroupCount * 2];
        var rows = new long[part.GroupCount * 2];
        for (var i = 0; i < y.Length; i++)
        {
            var k = (part.Codes[i] * 2) + y[i];
            cell[k] += w is null ? 1.0 : w[i];
            rows[k]++;
        }

        var total = cell.Sum();
        var labelTotals = new double[2];
        for (var k = 0; k < cell.Length; k++)
        {
            labelTotals[k % 2] += cell[k];
        }

        var factors = new double?[cell.Length];
        var list = new List<ReweighingFactor>();
        for (var g = 0; g < part.GroupCount; g++)
        {
            var groupTotal = cell[2 * g] + cell[(2 * g) + 1];
            for (var label = 0; label < 2; label++)
            {
                var k = (2 * g) + label;
                // P(g)P(y)/P(g,y) = (W_g/W)(W_y/W)/(W_gy/W) = W_g·W_y / (W·W_gy)
                factors[k] = cell[k] > 0 ? groupTotal * labelTotals[label] / (total * cell[k]) : null;
                list.Add(new ReweighingFactor(part.GroupKey(g), label, rows[k], factors[k]));
            }
        }

        var weights = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            weights[i] = (w is null ? 1.0 : w[i]) * factors[(part.Codes[i] * 2) + y[i]]!.Value;
        }

        return new ReweighingResult(list, weights);
    }
}
