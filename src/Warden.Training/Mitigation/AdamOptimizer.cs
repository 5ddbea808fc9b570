namespace Warden.Training.Mitigation;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with TensorFlow's defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and bias correction, as AIF360's
/// adversarial debiasing uses for both networks. The learning rate is given per step so a schedule can drive it.
/// </summary>
internal sealed class AdamOptimizer(int parameters)
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;
    private readonly double[] _m = new double[parameters];
    private readonly double[] _v = new double[parameters];
    private int _t;

    /// <summary>Moves <paramref name="parameters"/> one step against <paramref name="gradient"/>.</summary>
    public void Step(double[] parameters, double[] gradient, double learningRate)
    {
        _t++;
        var c1 = 1 - Math.Pow(Beta1, _t);
        var c2 = 1 - Math.Pow(Beta2, _t);
        for (var j = 0; j < parameters.Length; j++)
        {
            _m[j] = (Beta1 * _m[j]) + ((1 - Beta1) * gradient[j]);
            _v[j] = (Beta2 * _v[j]) + ((1 - Beta2) * gradient[j] * gradient[j]);
            parameters[j] -= learningRate * (_m[j] / c1) / (Math.Sqrt(_v[j] / c2) + Epsilon);
        }
    }
}
