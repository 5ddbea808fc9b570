using Warden.Core.Inference;
using Warden.Core.Settings;
using Warden.Core.Tensors;

namespace Warden.Core.Abuse;

/// <summary>
/// Hands the numeric inputs of every answered request of a model with an enabled <see cref="AbusePolicy"/> to the
/// <see cref="AbuseMonitor"/>. Never blocks or alters the request: a full queue drops the rows and counts them.
/// </summary>
public sealed class AbuseInterceptor(ModelSettings settings, AbuseMonitor monitor, TimeProvider time) : InferenceInterceptor
{
    public override bool AppliesToExplanations => true;

    public override void OnCompleted(InferenceContext context)
    {
        var policy = settings.Get<AbusePolicy>(context.Model, AbusePolicy.Kind);
        if (policy is not { Enabled: true } || context.Inputs is null)
        {
            return;
        }

        try
        {
            var rows = Rows(context.Inputs, policy.Features);
            var key = context.Call.Caller;
            var now = time.GetUtcNow();
            foreach (var row in rows)
            {
                monitor.Enqueue(new AbuseObservation(key.Id, key.Name, context.Model, row, now));
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or IndexOutOfRangeException or ArgumentException)
        {
            // Observers must not throw; an input that does not fit the row layout is simply not observed.
            monitor.CountUnobservable();
        }
    }

    /// <summary>Splits the chosen numeric tensors into rows along the first axis and concatenates each row's values.</summary>
    internal static List<double[]> Rows(IReadOnlyList<NamedTensor> inputs, IReadOnlyList<string>? features)
    {
        var chosen = new List<NamedTensor>();
        if (features is { Count: > 0 })
        {
            foreach (var name in features)
            {
                var tensor = inputs.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"input '{name}' is missing");
                chosen.Add(tensor);
            }
        }
        else
        {
            chosen.AddRange(inputs.Where(t => t.Datatype != TensorDatatype.Bytes));
        }

        if (chosen.Count == 0)
        {
            return [];
        }

        var batch = chosen[0].Shape.Length == 0 ? 1 : (int)chosen[0].Shape[0];
        if (batch <= 0 || chosen.Any(t => t.Datatype == TensorDatatype.Bytes || t.Data.Length % batch != 0 || (t.Shape.Length > 0 && t.Shape[0] != batch)))
        {
            throw new ArgumentException("inputs do not share a batch dimension");
        }

        var width = chosen.Sum(t => t.Data.Length / batch);
        var rows = new List<double[]>(batch);
        for (var r = 0; r < batch; r++)
        {
            var row = new double[width];
            var k = 0;
            foreach (var tensor in chosen)
            {
                var per = tensor.Data.Length / batch;
                for (var i = 0; i < per; i++)
                {
                    row[k++] = tensor.GetDouble((r * per) + i);
                }
            }

            if (row.All(double.IsFinite))
            {
                rows.Add(row);
            }
        }

        return rows;
    }
}
