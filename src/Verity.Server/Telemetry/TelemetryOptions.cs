namespace Verity.Server.Telemetry;

/// <summary>Traces, metrics and the samplers behind the gauges (<c>Verity:Telemetry</c>). The OTLP exporter also
/// honours the standard <c>OTEL_EXPORTER_OTLP_*</c>, <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c>
/// variables.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Verity:Telemetry";

    /// <summary>Serve the Prometheus scrape endpoint <c>/metrics</c> (unauthenticated, like the health endpoints: keep
    /// it off the public ingress).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>A second port for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> (e.g. 8081): when set, those answer
    /// there only and the API only on its own addresses (see <see cref="Telemetry.ManagementPort"/>). Unset: one port
    /// serves everything.</summary>
    public int? ManagementPort { get; set; }

    /// <summary>Record spans (needed by any trace exporter; the trace id in responses exists either way).</summary>
    public bool Tracing { get; set; } = true;

    /// <summary>OTLP collector for traces and metrics (e.g. <c>http://otel-collector:4317</c>); when empty,
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> decides, and with neither nothing is pushed.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Share of new traces recorded, from 0 to 1 (a caller's sampled <c>traceparent</c> is always
    /// followed).</summary>
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>How often the queue depth and the index staleness are read from the store for the gauges.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    internal void Validate()
    {
        if (SampleRatio is < 0 or > 1 || double.IsNaN(SampleRatio))
        {
            throw new InvalidOperationException($"{Section}:SampleRatio must be between 0 and 1 (got {SampleRatio}).");
        }

        if (SampleInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:SampleInterval must be positive (got {SampleInterval}).");
        }

        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{Section}:OtlpEndpoint must be an absolute URL such as http://otel-collector:4317.");
        }
    }
}
