using Microsoft.Extensions.Logging;

namespace Verity.Postgres.Tests.Index;

/// <summary>A logger that keeps what was logged, to assert on warnings the store gives operators.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(EventId Event, LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(EventId Event, LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public bool Logged(int eventId) => Entries.Any(e => e.Event.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((eventId, logLevel, formatter(state, exception)));
        }
    }
}
