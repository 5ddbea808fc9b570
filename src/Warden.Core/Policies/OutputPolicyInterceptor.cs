using Warden.Core.Inference;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Policies;

/// <summary>Applies the model's <see cref="OutputPolicy"/> to the outputs before they are recorded and sent.</summary>
public sealed class OutputPolicyInterceptor(ModelSettings settings) : InferenceInterceptor
{
    public override void OnOutputs(InferenceContext context)
    {
        var policy = settings.Get<OutputPolicy>(context.Model, OutputPolicy.Kind);
        if (policy is null || context.Outputs is null)
        {
            return;
        }

        context.Outputs = policy.Mode switch
        {
            "suppress-scores" => context.Outputs.Where(t => !IsFloat(t)).ToArray(),
            "top-class" => context.Outputs.Select(TopClass).ToArray(),
            _ when policy.Decimals is { } decimals => context.Outputs.Select(t => Round(t, decimals)).ToArray(),
            _ => context.Outputs,
        };
    }

    private static bool IsFloat(NamedTensor t) => t.Datatype is TensorDatatype.Fp32 or TensorDatatype.Fp64 or TensorDatatype.Fp16;

    private static NamedTensor Round(NamedTensor t, int decimals)
    {
        if (!IsFloat(t))
        {
            return t;
        }

        var values = new double[t.Data.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Round(t.GetDouble(i), decimals, MidpointRounding.ToEven);
        }

        return t.Datatype == TensorDatatype.Fp64
            ? t with { Data = values }
            : t with { Datatype = TensorDatatype.Fp32, Data = values.Select(v => (float)v).ToArray() };
    }

    private static NamedTensor TopClass(NamedTensor t)
    {
        if (!IsFloat(t))
        {
            return t;
        }

        var classes = t.Shape.Length >= 2 ? (int)Math.Max(1, t.Shape[^1]) : 1;
        var rows = t.Data.Length / classes;
        var shape = t.Shape.Length >= 2 ? [.. t.Shape[..^1], 1L] : new long[] { rows };
        if (classes == 1)
        {
            var labels = new bool[rows];
            for (var r = 0; r < rows; r++)
            {
                labels[r] = t.GetDouble(r) > 0.5;
            }

            return new NamedTensor(t.Name, TensorDatatype.Bool, shape, labels);
        }

        var best = new long[rows];
        for (var r = 0; r < rows; r++)
        {
            var top = 0;
            for (var c = 1; c < classes; c++)
            {
                if (t.GetDouble((r * classes) + c) > t.GetDouble((r * classes) + top))
                {
                    top = c;
                }
            }

            best[r] = top;
        }

        return new NamedTensor(t.Name, TensorDatatype.Int64, shape, best);
    }
}
