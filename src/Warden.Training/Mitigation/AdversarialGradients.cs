using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Losses and hand-written gradients of adversarial debiasing with AIF360's adversary, for a logistic predictor
/// (<paramref name="hidden"/> = 0) or AIF360's one-hidden-layer ReLU predictor (<paramref name="hidden"/> = H units).
/// Predictor logit: z_i = w·x_i + b (θ = (w, b)), or z_i = Σ_k w_k·m_ik·relu(V_k·x_i + c_k) + b with dropout factors m_ik
/// (θ = (V unit-major, c, w, b)); ŷ_i = σ(z_i), L_P = mean BCE(y_i, ŷ_i) + (l2/2)(|w|² (+ |V|²)).
/// Adversary (Zhang et al. 2018 §4 / AIF360): s_i = σ((1 + |c_A|)·z_i), inputs f_i = [s_i] for demographic parity or
/// [s_i, s_i·y_i, s_i·(1 − y_i)] for equalized odds, â_i = σ(u·f_i + e), L_A = mean BCE(a_i, â_i); φ = (u, c_A, e).
/// Chain rule with dV_i = (â_i − a_i)/n and U_i = ∂(u·f_i)/∂s_i = u_0 (+ u_1·y_i + u_2·(1 − y_i) for equalized odds):
/// ∂L_A/∂θ = Σ_i dV_i·U_i·s_i(1 − s_i)·(1 + |c_A|)·∂z_i/∂θ and ∂L_P/∂θ = Σ_i (ŷ_i − y_i)/n·∂z_i/∂θ, where ∂z_i/∂θ is
/// (x_i, 1) for the logistic predictor and, for the network with g_ik = w_k·m_ik·1(V_k·x_i + c_k &gt; 0):
/// ∂z/∂V_kj = g_ik·x_ij, ∂z/∂c_k = g_ik, ∂z/∂w_k = m_ik·relu(V_k·x_i + c_k), ∂z/∂b = 1.
/// ∂L_A/∂u = Σ_i dV_i·f_i; ∂L_A/∂c_A = Σ_i dV_i·U_i·s_i(1 − s_i)·z_i·sign(c_A); ∂L_A/∂e = Σ_i dV_i.
/// With <paramref name="adversaryHidden"/> = K &gt; 0 the adversary has one hidden layer of K ReLU units on f (as Fairlearn's
/// <c>AdversarialFairnessClassifier</c> allows): â_i = σ(Σ_k u_k·relu(W_k·f_i + d_k) + e), φ = (W unit-major, d, u, c_A, e);
/// then U_i = Σ_k u_k·1(W_k·f_i + d_k &gt; 0)·(W_k0 (+ W_k1·y_i + W_k2·(1 − y_i))), ∂L_A/∂u_k = Σ_i dV_i·relu(W_k·f_i + d_k),
/// ∂L_A/∂d_k = Σ_i dV_i·u_k·1(·), ∂L_A/∂W_kq = Σ_i dV_i·u_k·1(·)·f_iq. Unlike one logistic unit, which is beaten once the
/// groups' mean soft scores are equal, such an adversary can tell apart score distributions with equal means (e.g. different
/// shares above the decision threshold).
/// </summary>
internal sealed class AdversarialGradients(IReadOnlyList<float[]> x, byte[] y, byte[] a, FairnessConstraint constraint, double l2, int hidden = 0,
    int adversaryHidden = 0)
{
    public int Features => x[0].Length;

    /// <summary>Hidden units of the predictor; 0 = logistic.</summary>
    public int Hidden => hidden;

    /// <summary>Rows available.</summary>
    public int Rows => y.Length;

    /// <summary>Length of θ: d + 1, or H·d + 2H + 1 with a hidden layer.</summary>
    public int PredictorParameters => hidden == 0 ? Features + 1 : (hidden * Features) + (2 * hidden) + 1;

    /// <summary>Adversary inputs per row: 1 for demographic parity, 3 for equalized odds.</summary>
    public int AdversaryInputs => constraint == FairnessConstraint.DemographicParity ? 1 : 3;

    /// <summary>Hidden ReLU units of the adversary; 0 = one logistic unit (AIF360's).</summary>
    public int AdversaryHidden => adversaryHidden;

    /// <summary>Length of φ = (u, c, e), or (W, d, u, c, e) with a hidden adversary layer.</summary>
    public int AdversaryParameters => adversaryHidden == 0 ? AdversaryInputs + 2 : (adversaryHidden * AdversaryInputs) + (2 * adversaryHidden) + 2;

    /// <summary>Index of the sharpness c_A in φ (the second to last); e is the last.</summary>
    public int SharpnessIndex => AdversaryParameters - 2;

    /// <summary>
    /// L_P, L_A and the gradients ∇_θ L_P, ∇_θ L_A, ∇_φ L_A over <paramref name="batch"/> (all rows when null).
    /// <paramref name="dropout"/>: the factors m_rk (0 or 1/keep) of the batch's r-th row and hidden unit k at r·H + k; null = 1.
    /// </summary>
    public (double LossP, double LossA, double[] GradPTheta, double[] GradATheta, double[] GradAPhi) Evaluate(
        double[] theta, double[] phi, IReadOnlyList<int>? batch = null, double[]? dropout = null)
    {
        var d = Features;
        var m = AdversaryInputs;
        var n = batch?.Count ?? y.Length;
        var gp = new double[theta.Length];
        var ga = new double[theta.Length];
        var gphi = new double[AdversaryParameters];
        var ci = SharpnessIndex;
        var c = phi[ci];
        var ka = adversaryHidden;
        var adversaryActivation = new double[ka];
        var k = 1 + Math.Abs(c);
        var lossP = 0.0;
        var lossA = 0.0;
        var f = new double[m];
        var activation = new double[hidden];
        var gate = new double[hidden];
        for (var r = 0; r < n; r++)
        {
            var i = batch?[r] ?? r;
            var xi = x[i];
            var z = hidden == 0 ? LinearLogit(theta, xi) : NetworkLogit(theta, xi, dropout, r, activation, gate);
            var yhat = LinearClassifier.Sigmoid(z);
            lossP += Bce(y[i], z);
            var s = LinearClassifier.Sigmoid(k * z);
            f[0] = s;
            if (m == 3)
            {
                f[1] = s * y[i];
                f[2] = s * (1 - y[i]);
            }

            double u, v;
            if (ka == 0)
            {
                u = phi[0];
                if (m == 3)
                {
                    u += (phi[1] * y[i]) + (phi[2] * (1 - y[i]));
                }

                v = phi[m + 1];
                for (var q = 0; q < m; q++)
                {
                    v += phi[q] * f[q];
                }
            }
            else
            {
                (u, v) = AdversaryForward(phi, f, y[i], adversaryActivation);
            }

            lossA += Bce(a[i], v);
            var dP = (yhat - y[i]) / n;
            var dV = (LinearClassifier.Sigmoid(v) - a[i]) / n;
            var dS = dV * u * s * (1 - s);
            var dZ = dS * k;
            if (hidden == 0)
            {
                LinearBackward(xi, dP, dZ, gp, ga);
            }
            else
            {
                NetworkBackward(theta, xi, activation, gate, dP, dZ, gp, ga);
            }

            if (ka == 0)
            {
                for (var q = 0; q < m; q++)
                {
                    gphi[q] += dV * f[q];
                }
            }
            else
            {
                AdversaryBackward(phi, f, adversaryActivation, dV, gphi);
            }

            gphi[ci] += dS * z * Math.Sign(c);
            gphi[ci + 1] += dV;
        }

        lossP /= n;
        lossA /= n;
        foreach (var j in PenalisedWeights())
        {
            lossP += 0.5 * l2 * theta[j] * theta[j];
            gp[j] += l2 * theta[j];
        }

        return (lossP, lossA, gp, ga, gphi);
    }

    // Hidden adversary, forward: leaves relu(W_k·f + d_k) in activation; returns U = ∂v/∂s and the logit v.
    private (double U, double V) AdversaryForward(double[] phi, double[] f, byte label, double[] activation)
    {
        var m = f.Length;
        var ka = adversaryHidden;
        var v = phi[^1];
        var dvds = 0.0;
        for (var k = 0; k < ka; k++)
        {
            var pre = phi[(ka * m) + k];
            for (var q = 0; q < m; q++)
            {
                pre += phi[(k * m) + q] * f[q];
            }

            var uk = phi[(ka * m) + ka + k];
            activation[k] = pre > 0 ? pre : 0;
            v += uk * activation[k];
            if (pre > 0)
            {
                // ∂f/∂s = (1) or (1, y, 1 − y).
                var ds = phi[k * m];
                if (m == 3)
                {
                    ds += (phi[(k * m) + 1] * label) + (phi[(k * m) + 2] * (1 - label));
                }

                dvds += uk * ds;
            }
        }

        return (dvds, v);
    }

    // Hidden adversary, backward into gphi (W, d, u); c_A and e are the caller's.
    private void AdversaryBackward(double[] phi, double[] f, double[] activation, double dV, double[] gphi)
    {
        var m = f.Length;
        var ka = adversaryHidden;
        for (var k = 0; k < ka; k++)
        {
            var uk = phi[(ka * m) + ka + k];
            gphi[(ka * m) + ka + k] += dV * activation[k];
            if (activation[k] > 0)
            {
                gphi[(ka * m) + k] += dV * uk;
                for (var q = 0; q < m; q++)
                {
                    gphi[(k * m) + q] += dV * uk * f[q];
                }
            }
        }
    }

    /// <summary>The predictor of a parameter vector θ (on the features this instance was given).</summary>
    public IBinaryClassifier Predictor(double[] theta)
    {
        var d = Features;
        if (hidden == 0)
        {
            return new LinearClassifier(theta[..d], theta[d]);
        }

        var h = hidden;
        return new HiddenLayerClassifier(h, theta[..(h * d)], theta[(h * d)..((h * d) + h)], theta[((h * d) + h)..((h * d) + (2 * h))], theta[(h * d) + (2 * h)]);
    }

    private IEnumerable<int> PenalisedWeights()
    {
        var d = Features;
        if (l2 == 0)
        {
            return [];
        }

        return hidden == 0 ? Enumerable.Range(0, d) : Enumerable.Range(0, hidden * d).Concat(Enumerable.Range((hidden * d) + hidden, hidden));
    }

    private static double LinearLogit(double[] theta, float[] xi)
    {
        var d = xi.Length;
        var z = theta[d];
        for (var j = 0; j < d; j++)
        {
            z += theta[j] * xi[j];
        }

        return z;
    }

    private static void LinearBackward(float[] xi, double dP, double dZ, double[] gp, double[] ga)
    {
        var d = xi.Length;
        for (var j = 0; j < d; j++)
        {
            gp[j] += dP * xi[j];
            ga[j] += dZ * xi[j];
        }

        gp[d] += dP;
        ga[d] += dZ;
    }

    // Forward pass of one row; leaves m·relu(pre) in activation and m·1(pre > 0) in gate for the backward pass.
    private double NetworkLogit(double[] theta, float[] xi, double[]? dropout, int r, double[] activation, double[] gate)
    {
        var d = xi.Length;
        var h = hidden;
        var z = theta[(h * d) + (2 * h)];
        for (var unit = 0; unit < h; unit++)
        {
            var pre = theta[(h * d) + unit];
            var row = theta.AsSpan(unit * d, d);
            for (var j = 0; j < d; j++)
            {
                pre += row[j] * xi[j];
            }

            var keep = dropout?[(r * h) + unit] ?? 1;
            gate[unit] = pre > 0 ? keep : 0;
            activation[unit] = pre > 0 ? keep * pre : 0;
            z += theta[(h * d) + h + unit] * activation[unit];
        }

        return z;
    }

    private void NetworkBackward(double[] theta, float[] xi, double[] activation, double[] gate, double dP, double dZ, double[] gp, double[] ga)
    {
        var d = xi.Length;
        var h = hidden;
        for (var unit = 0; unit < h; unit++)
        {
            var w = (h * d) + h + unit;
            gp[w] += dP * activation[unit];
            ga[w] += dZ * activation[unit];
            var g = theta[w] * gate[unit];
            if (g == 0)
            {
                continue;
            }

            var gpUnit = dP * g;
            var gaUnit = dZ * g;
            gp[(h * d) + unit] += gpUnit;
            ga[(h * d) + unit] += gaUnit;
            var p = gp.AsSpan(unit * d, d);
            var q = ga.AsSpan(unit * d, d);
            for (var j = 0; j < d; j++)
            {
                p[j] += gpUnit * xi[j];
                q[j] += gaUnit * xi[j];
            }
        }

        gp[(h * d) + (2 * h)] += dP;
        ga[(h * d) + (2 * h)] += dZ;
    }

    // −[t·log σ(v) + (1 − t)·log(1 − σ(v))] = log(1 + e^v) − t·v, written to stay finite for large |v|.
    private static double Bce(byte target, double v) => (v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v))) - (target * v);
}
