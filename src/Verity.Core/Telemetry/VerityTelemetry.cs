using System.Diagnostics;

namespace Verity.Core.Telemetry;

/// <summary>
/// The trace source of the engine: one span per stage of a query (<c>verity.chat</c>, <c>verity.retrieve</c>,
/// <c>verity.generate</c>, ...) and of ingestion (<c>verity.ingest.document</c>, ...). The core only uses
/// <see cref="System.Diagnostics"/>: a host exports the spans by listening to <see cref="Name"/> (with OpenTelemetry,
/// <c>AddSource(VerityTelemetry.Name)</c>). Spans carry ids, counts and outcomes, never document text, questions,
/// answers or secrets. Without a listener no span is created and nothing is allocated for tracing.
/// </summary>
public static class VerityTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> (and of the meter, see <see cref="RagMetrics.MeterName"/>).</summary>
    public const string Name = "Verity";

    public static ActivitySource Source { get; } = new(Name);
}
