using System.Diagnostics;

namespace Warden.Core.Telemetry;

/// <summary>
/// Warden's own spans (the inference path, the prediction log writer, background jobs). A span is only created when a
/// listener (the OpenTelemetry tracer provider, a test) subscribes to <see cref="Name"/>, so an untraced server pays a
/// single check per step.
/// </summary>
public static class WardenActivitySource
{
    /// <summary>Source name to subscribe to (<c>AddSource("Warden")</c>).</summary>
    public const string Name = "Warden";

    /// <summary>The source; static because <see cref="ActivitySource"/> is a process-wide registration by name anyway.</summary>
    public static ActivitySource Instance { get; } = new(Name, typeof(WardenActivitySource).Assembly.GetName().Version?.ToString(3));

    /// <summary>Starts an internal span when something listens; null otherwise.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Instance.HasListeners() ? Instance.StartActivity(name, kind) : null;

    /// <summary>Marks <paramref name="activity"/> as failed by <paramref name="error"/>; a refusal (4xx) is not an error of the server.</summary>
    public static void RecordFailure(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        if (error is WardenException { StatusCode: < 500 } refusal)
        {
            activity.SetTag("warden.refusal.status_code", refusal.StatusCode);
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }
}
