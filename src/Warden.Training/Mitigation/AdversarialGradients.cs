using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Losses and hand-written gradients of adversarial debiasing with a logistic predictor and AIF360's adversary.
/// Predictor: z_i = w·x_i + b, ŷ_i = σ(z_i), L_P = mean BCE(y_i, ŷ_i) + (l2/2)|w|².
/// Adversary (Zhang et al. 2018 §4 / AIF360): s_i = σ((1 + |c|)·z_i), inputs f_i = [s_i] for demographic parity or
/// [s_i, s_i·y_i, s_i·(1 − y_i)] for equalized odds, â_i = σ(u·f_i + e), L_A = mean BCE(a_i, â_i).
/// Chain rule with dV_i = (â_i − a_i)/n and U_i = ∂(u·f_i)/∂s_i = u_0 (+ u_1·y_i + u_2·(1 − y_i) for equalized odds):
/// ∂L_A/∂(w, b) = Σ_i dV_i·U_i·s_i(1 − s_i)·(1 + |c|)·(x_i, 1); ∂L_A/∂u = Σ_i dV_i·f_i;
/// ∂L_A/∂c = Σ_i dV_i·U_i·s_i(1 − s_i)·z_i·sign(c); ∂L_A/∂e = Σ_i dV_i. Parameters: θ = (w, b), φ = (u, c, e).
/// </summary>
internal sealed class AdversarialGradients(IReadOnlyList<float[]> x, byte[] y, byte[] a, FairnessConstraint constraint, double l2)
{
    public int Features => x[0].Length;

    /// <summary>Rows available.</summary>
    public int Rows => y.Length;

    /// <summary>Adversary inputs per row: 1 for demographic parity, 3 for equalized odds.</summary>
    public int AdversaryInputs => constraint == FairnessConstraint.DemographicParity ? 1 : 3;

    /// <summary>Length of φ = (u, c, e).</summary>
    public int AdversaryParameters => AdversaryInputs + 2;

    /// <summary>L_P, L_A and the gradients ∇_θ L_P, ∇_θ L_A, ∇_φ L_A over <paramref name="batch"/> (all rows when null).</summary>
    public (double LossP, double LossA, double[] GradPTheta, double[] GradATheta, double[] GradAPhi) Evaluate(
        double[] theta, double[] phi, IReadOnlyList<int>? batch = null)
    {
        var d = Features;
        var m = AdversaryInputs;
        var n = batch?.Count ?? y.Length;
        var gp = new double[d + 1];
        var ga = new double[d + 1];
        var gphi = new double[m + 2];
        var c = phi[m];
        var k = 1 + Math.Abs(c);
        var lossP = 0.0;
        var lossA = 0.0;
        var f = new double[m];
        for (var r = 0; r < n; r++)
        {
            var i = batch?[r] ?? r;
            var xi = x[i];
            var z = theta[d];
            for (var j = 0; j < d; j++)
            {
                z += theta[j] * xi[j];
            }

            var yhat = LinearClassifier.Sigmoid(z);
            lossP += Bce(y[i], z);
            var s = LinearClassifier.Sigmoid(k * z);
            f[0] = s;
            var u = phi[0];
            if (m == 3)
            {
                f[1] = s * y[i];
                f[2] = s * (1 - y[i]);
                u += (phi[1] * y[i]) + (phi[2] * (1 - y[i]));
            }

            var v = phi[m + 1];
            for (var q = 0; q < m; q++)
            {
                v += phi[q] * f[q];
            }

            lossA += Bce(a[i], v);
            var dP = (yhat - y[i]) / n;
            var dV = (LinearClassifier.Sigmoid(v) - a[i]) / n;
            var dS = dV * u * s * (1 - s);
            var dZ = dS * k;
            for (var j = 0; j < d; j++)
            {
                gp[j] += dP * xi[j];
                ga[j] += dZ * xi[j];
            }

            gp[d] += dP;
            ga[d] += dZ;
            for (var q = 0; q < m; q++)
            {
                gphi[q] += dV * f[q];
            }

            gphi[m] += dS * z * Math.Sign(c);
            gphi[m + 1] += dV;
        }

        lossP /= n;
        lossA /= n;
        for (var j = 0; j < d; j++)
        {
            lossP += 0.5 * l2 * theta[j] * theta[j];
            gp[j] += l2 * theta[j];
        }

        return (lossP, lossA, gp, ga, gphi);
    }

    // −[t·log σ(v) + (1 − t)·log(1 − σ(v))] = log(1 + e^v) − t·v, written to stay finite for large |v|.
    private static double Bce(byte target, double v) => (v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v))) - (target * v);
}
