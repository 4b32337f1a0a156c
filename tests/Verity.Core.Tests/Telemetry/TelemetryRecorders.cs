using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Verity.Core.Telemetry;

namespace Verity.Testing.Telemetry;

/// <summary>
/// Records the <c>Verity</c> spans of one test. Tests run in parallel and every listener hears every source, so the
/// recorder opens a root span of its own and keeps only spans of that trace: the code under test must run in the
/// test's flow (the root is current there). The SQLite tests compile this file too (linked in their project file).
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private static readonly ActivitySource TestSource = new("Verity.Tests");

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityTraceId _trace;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is VerityTelemetry.Name or "Verity.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source == TestSource || options.Parent.TraceId == _trace
                    ? ActivitySamplingResult.AllDataAndRecorded
                    : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == _trace && activity.Source.Name == VerityTelemetry.Name)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        Root = TestSource.StartActivity("test") ?? throw new InvalidOperationException("The test root span was not sampled.");
        _trace = Root.TraceId;
    }

    public Activity Root { get; }

    /// <summary>The spans that ended so far, in the order they ended.</summary>
    public IReadOnlyList<Activity> Spans => [.. _stopped];

    public Activity Single(string name) => Assert.Single(Spans, s => s.OperationName == name);

    public IReadOnlyList<Activity> All(string name) => [.. Spans.Where(s => s.OperationName == name)];

    /// <summary>Asserts that <paramref name="child"/> is a direct child of <paramref name="parent"/>.</summary>
    public static void AssertChildOf(Activity parent, Activity child) =>
        Assert.True(child.ParentSpanId == parent.SpanId, $"{child.OperationName} is not a child of {parent.OperationName}.");

    /// <summary>Every attribute value (events included) of every span, as text.</summary>
    public IEnumerable<(string Span, string Key, string Value)> AttributeValues() =>
        Spans.SelectMany(s => s.TagObjects.Select(t => (s.OperationName, t.Key, Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))
            .Concat(s.Events.SelectMany(e => e.Tags.Select(t => (s.OperationName, $"{e.Name}.{t.Key}", Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""))))
            .Append((s.OperationName, "status_description", s.StatusDescription ?? "")));

    public void Dispose()
    {
        Root.Dispose();
        _listener.Dispose();
    }
}

/// <summary>A meter factory whose meters a <see cref="MetricRecorder"/> can tell from those of parallel tests.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly ConcurrentQueue<Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        _meters.Enqueue(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}

/// <summary>One measurement: the instrument, the value and its tags.</summary>
internal sealed record Measured(Instrument Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)
{
    public string? Tag(string key) => Tags.GetValueOrDefault(key);
}

/// <summary>Measurements of the instruments of the meters one <see cref="TestMeterFactory"/> created.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measured> _measured = new();
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);

    public MetricRecorder(TestMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory)
            {
                _instruments[instrument.Name] = instrument;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    public IReadOnlyDictionary<string, Instrument> Instruments => _instruments;

    public Instrument Instrument(string name) =>
        _instruments.TryGetValue(name, out var instrument) ? instrument : throw new InvalidOperationException($"No instrument {name}.");

    /// <summary>Measurements recorded so far by <paramref name="name"/>.</summary>
    public IReadOnlyList<Measured> Of(string name) => [.. _measured.Where(m => m.Instrument.Name == name)];

    /// <summary>Reads the observable instruments now and returns what <paramref name="name"/> reported.</summary>
    public IReadOnlyList<Measured> Observe(string name)
    {
        var before = _measured.Count;
        _listener.RecordObservableInstruments();
        return [.. _measured.Skip(before).Where(m => m.Instrument.Name == name)];
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value?.ToString();
        }

        _measured.Enqueue(new Measured(instrument, value, map));
    }
}
