using Warden.Core.Fairness;

namespace Warden.Training.Mitigation;

/// <summary>
/// Losses and hand-written gradients of adversarial debiasing with a logistic predictor and a logistic adversary.
/// Predictor: z_i = w·x_i + b, ŷ_i = σ(z_i), L_P = mean BCE(y_i, ŷ_i) + (l2/2)|w|².
/// Adversary: input f_i = [z_i] (demographic parity) or [z_i, z_i·y_i, y_i] (equalized odds), â_i = σ(u·f_i + c),
/// L_A = mean BCE(a_i, â_i).
/// Chain rule: ∂L_P/∂z_i = (ŷ_i − y_i)/n; ∂L_A/∂z_i = (â_i − a_i)/n · ∂(u·f_i)/∂z_i with ∂(u·f_i)/∂z_i = u_0 (+ u_1·y_i for
/// equalized odds); ∂z_i/∂(w, b) = (x_i, 1); ∂L_A/∂(u, c) = Σ_i (â_i − a_i)/n · (f_i, 1).
/// </summary>
internal sealed class AdversarialGradients(IReadOnlyList<float[]> x, byte[] y, byte[] a, FairnessConstraint constraint, double l2)
{
    public int Features => x[0].Length;

    /// <summary>Adversary inputs per row: 1 for demographic parity, 3 for equalized odds.</summary>
    public int AdversaryInputs => constraint == FairnessConstraint.DemographicParity ? 1 : 3;

    /// <summary>Predictor parameters θ = (w, b) and adversary parameters φ = (u, c); returns L_P, L_A and the gradients.</summary>
    public (double LossP, double LossA, double[] GradPTheta, double[] GradATheta, double[] GradAPhi) Evaluate(double[] theta, double[] phi)
    {
        var d = Features;
        var m = AdversaryInputs;
        var n = y.Length;
        var gp = new double[d + 1];
        var ga = new double[d + 1];
        var gphi = new double[m + 1];
        var lossP = 0.0;
        var lossA = 0.0;
        var f = new double[m];
        for (var i = 0; i < n; i++)
        {
            var xi = x[i];
            var z = theta[d];
            for (var j = 0; j < d; j++)
            {
                z += theta[j] * xi[j];
            }

            var yhat = LinearClassifier.Sigmoid(z);
            lossP += Bce(y[i], z);
            AdversaryInputsOf(z, y[i], f);
            var v = phi[m];
            for (var k = 0; k < m; k++)
            {
                v += phi[k] * f[k];
            }

            var ahat = LinearClassifier.Sigmoid(v);
            lossA += Bce(a[i], v);

            var dP = (yhat - y[i]) / n;
            var dV = (ahat - a[i]) / n;
            var dZ = dV * (m == 1 ? phi[0] : phi[0] + (phi[1] * y[i]));
            for (var j = 0; j < d; j++)
            {
                gp[j] += dP * xi[j];
                ga[j] += dZ * xi[j];
            }

            gp[d] += dP;
            ga[d] += dZ;
            for (var k = 0; k < m; k++)
            {
                gphi[k] += dV * f[k];
            }

            gphi[m] += dV;
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

    private static void AdversaryInputsOf(double z, byte label, double[] f)
    {
        f[0] = z;
        if (f.Length == 3)
        {
            f[1] = z * label;
            f[2] = label;
        }
    }

    // −[t·log σ(v) + (1 − t)·log(1 − σ(v))] = log(1 + e^v) − t·v, written to stay finite for large |v|.
    private static double Bce(byte target, double v) => (v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v))) - (target * v);
}
