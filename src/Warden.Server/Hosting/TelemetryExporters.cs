namespace Warden.Server.Hosting;

/// <summary>
/// Which exporters one signal (traces, metrics, logs) uses, read from the standard variables: <c>OTEL_{SIGNAL}_EXPORTER</c>
/// (a comma-separated list of <c>otlp</c>, <c>console</c>, <c>none</c>; <c>prometheus</c> is accepted for metrics and
/// always on at <c>/metrics</c>) and, when that is unset, OTLP as soon as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT</c> is set. The specification's default is OTLP; Warden waits to be asked, so
/// that a plain <c>warden serve</c> never tries to reach a collector that is not there.
/// </summary>
/// <param name="Otlp">Export over OTLP (endpoint, protocol and headers from the <c>OTEL_EXPORTER_OTLP_*</c> variables).</param>
/// <param name="Console">Print to standard output (for a look at a trace, not for production).</param>
public sealed record TelemetryExporters(bool Otlp, bool Console)
{
    /// <summary>True when any exporter is on.</summary>
    public bool Any => Otlp || Console;

    /// <summary>Reads the exporters of <paramref name="signal"/> (<c>TRACES</c>, <c>METRICS</c> or <c>LOGS</c>).</summary>
    public static TelemetryExporters For(IConfiguration configuration, string signal)
    {
        var listed = configuration[$"OTEL_{signal}_EXPORTER"];
        if (string.IsNullOrWhiteSpace(listed))
        {
            var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"];
            return new TelemetryExporters(!string.IsNullOrWhiteSpace(endpoint), false);
        }

        var names = listed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (name is not ("otlp" or "console" or "none" or "prometheus"))
            {
                throw new InvalidOperationException($"OTEL_{signal}_EXPORTER: unknown exporter '{name}' (use otlp, console or none)");
            }
        }

        return new TelemetryExporters(names.Contains("otlp"), names.Contains("console"));
    }
}
