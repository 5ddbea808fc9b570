namespace Warden.Core.Inference;

/// <summary>
/// A step around the model run. Capabilities that refuse, route, hold or alter predictions (purposes, rate limits, input
/// and output policies, canary routing, review, post-processing) plug in here; each must be opt-in per deployment or per
/// key so that a plain protocol client against a default deployment sees the bare model. Throw
/// <see cref="WardenException"/> to refuse a request.
/// </summary>
public abstract class InferenceInterceptor
{
    private string? _name;

    /// <summary>
    /// Short snake_case name of the step (<c>RateLimitInterceptor</c> is <c>rate_limit</c>): the refusal reason in metrics
    /// and the span name on traces.
    /// </summary>
    public virtual string Name => _name ??= SnakeCase(GetType().Name is var type && type.EndsWith("Interceptor", StringComparison.Ordinal) ? type[..^"Interceptor".Length] : type);

    /// <summary>Order among interceptors; lower runs first.</summary>
    public virtual int Order => 0;

    /// <summary>
    /// True for usage controls and observers that also see explanations (<see cref="InferenceContext.IsExplanation"/>):
    /// purposes, rate limits, quotas, input policies, usage counts, extraction monitoring. An explanation runs only
    /// <see cref="OnRequest"/>, <see cref="OnInputs"/>, <see cref="OnCompleted"/> and <see cref="OnFailed"/>; routing,
    /// shadowing and output hooks stay out of it unless they opt in here.
    /// </summary>
    public virtual bool AppliesToExplanations => false;

    /// <summary>Before the version is resolved: authorise, rate-limit, route (set <see cref="InferenceContext.Version"/>).</summary>
    public virtual void OnRequest(InferenceContext context)
    {
    }

    /// <summary>After inputs are bound, before the model runs: input policies.</summary>
    public virtual void OnInputs(InferenceContext context)
    {
    }

    /// <summary>After the model ran, before the answer is recorded and sent: output policies, review routing.</summary>
    public virtual void OnOutputs(InferenceContext context)
    {
    }

    /// <summary>After the prediction was recorded: observers (usage, extraction detection, shadow traffic). Must not throw.</summary>
    public virtual void OnCompleted(InferenceContext context)
    {
    }

    /// <summary>The call was refused or failed after <see cref="OnRequest"/> started: observers (usage error counts). Must not throw.</summary>
    public virtual void OnFailed(InferenceContext context, Exception error)
    {
    }

    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
