namespace Warden.Training.Mitigation;

/// <summary>
/// A dense two-phase simplex for the small linear programs of <see cref="ExponentiatedGradient"/>'s LP step (Fairlearn's
/// <c>solve_linprog</c>: a few dozen variables and constraints): minimise cᵀx subject to rows aᵢx ≤ bᵢ or aᵢx = bᵢ and x ≥ 0.
/// Bland's rule picks entering and leaving variables, so it cannot cycle.
/// </summary>
internal static class LinearProgram
{
    private const double Tolerance = 1e-10;

    /// <summary>The minimiser, or null when the program is infeasible or unbounded.</summary>
    /// <param name="c">Objective coefficients, one per variable.</param>
    /// <param name="a">Constraint rows.</param>
    /// <param name="b">Right-hand sides.</param>
    /// <param name="equality">Per row: true for =, false for ≤.</param>
    public static double[]? Minimize(double[] c, double[][] a, double[] b, bool[] equality)
    {
        var n = c.Length;
        var m = a.Length;

        // Columns: n originals, one slack per ≤ row, one artificial per row that needs one (= rows and rows with b < 0).
        var rows = new double[m][];
        var rhs = new double[m];
        var slackOf = new int[m];
        var artificialOf = new int[m];
        var columns = n;
        for (var i = 0; i < m; i++)
        {
            slackOf[i] = equality[i] ? -1 : columns++;
        }

        for (var i = 0; i < m; i++)
        {
            var needsArtificial = equality[i] || b[i] < 0;
            artificialOf[i] = needsArtificial ? columns++ : -1;
        }

        var basis = new int[m];
        for (var i = 0; i < m; i++)
        {
            var sign = b[i] < 0 ? -1.0 : 1.0;
            rows[i] = new double[columns];
            for (var j = 0; j < n; j++)
            {
                rows[i][j] = sign * a[i][j];
            }

            if (slackOf[i] >= 0)
            {
                rows[i][slackOf[i]] = sign;
            }

            rhs[i] = sign * b[i];
            if (artificialOf[i] >= 0)
            {
                rows[i][artificialOf[i]] = 1;
                basis[i] = artificialOf[i];
            }
            else
            {
                basis[i] = slackOf[i];
            }
        }

        var artificial = new bool[columns];
        foreach (var j in artificialOf.Where(j => j >= 0))
        {
            artificial[j] = true;
        }

        if (artificial.Any(x => x))
        {
            var phase1 = new double[columns];
            for (var j = 0; j < columns; j++)
            {
                phase1[j] = artificial[j] ? 1 : 0;
            }

            if (!Run(rows, rhs, basis, phase1, new bool[columns]) || Objective(phase1, rhs, basis) > 1e-9)
            {
                return null;
            }

            // Degenerate artificials still basic at zero are pivoted out on any non-artificial column.
            for (var i = 0; i < m; i++)
            {
                if (artificial[basis[i]])
                {
                    var j = Enumerable.Range(0, columns).FirstOrDefault(k => !artificial[k] && Math.Abs(rows[i][k]) > Tolerance, -1);
                    if (j >= 0)
                    {
                        Pivot(rows, rhs, basis, i, j);
                    }
                }
            }
        }

        var cost = new double[columns];
        Array.Copy(c, cost, n);
        if (!Run(rows, rhs, basis, cost, artificial))
        {
            return null;
        }

        var x = new double[n];
        for (var i = 0; i < m; i++)
        {
            if (basis[i] < n)
            {
                x[basis[i]] = rhs[i];
            }
        }

        return x;
    }

    private static double Objective(double[] cost, double[] rhs, int[] basis)
    {
        var value = 0.0;
        for (var i = 0; i < basis.Length; i++)
        {
            value += cost[basis[i]] * rhs[i];
        }

        return value;
    }

    // Simplex iterations on the tableau; false when unbounded. Columns marked excluded never enter.
    private static bool Run(double[][] rows, double[] rhs, int[] basis, double[] cost, bool[] excluded)
    {
        var m = rows.Length;
        var columns = cost.Length;
        for (var iteration = 0; iteration < 10_000; iteration++)
        {
            var entering = -1;
            for (var j = 0; j < columns && entering < 0; j++)
            {
                if (excluded[j] || basis.Contains(j))
                {
                    continue;
                }

                var reduced = cost[j];
                for (var i = 0; i < m; i++)
                {
                    reduced -= cost[basis[i]] * rows[i][j];
                }

                if (reduced < -Tolerance)
                {
                    entering = j;
                }
            }

            if (entering < 0)
            {
                return true;
            }

            var leaving = -1;
            var best = double.PositiveInfinity;
            for (var i = 0; i < m; i++)
            {
                if (rows[i][entering] > Tolerance)
                {
                    var ratio = rhs[i] / rows[i][entering];
                    if (ratio < best - Tolerance || (Math.Abs(ratio - best) <= Tolerance && basis[i] < basis[leaving]))
                    {
                        best = ratio;
                        leaving = i;
                    }
                }
            }

            if (leaving < 0)
            {
                return false;
            }

            Pivot(rows, rhs, basis, leaving, entering);
        }

        throw new InvalidOperationException("The simplex did not finish in 10,000 pivots.");
    }

    private static void Pivot(double[][] rows, double[] rhs, int[] basis, int row, int column)
    {
        var pivot = rows[row][column];
        for (var j = 0; j < rows[row].Length; j++)
        {
            rows[row][j] /= pivot;
        }

        rhs[row] /= pivot;
        for (var i = 0; i < rows.Length; i++)
        {
            if (i == row || Math.Abs(rows[i][column]) <= 0)
            {
                continue;
            }

            var factor = rows[i][column];
            for (var j = 0; j < rows[i].Length; j++)
            {
                rows[i][j] -= factor * rows[row][j];
            }

            rhs[i] -= factor * rhs[row];
        }

        basis[row] = column;
    }
}
