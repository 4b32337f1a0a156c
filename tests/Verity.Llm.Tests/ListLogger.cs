using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Verity.Llm.Tests;

/// <summary>Captures every log entry (formatted message and exception text) for assertions.</summary>
public sealed class ListLogger
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Text)> Entries { get; } = new();

    public ILogger<T> For<T>() => new Logger<T>(this);

    public IEnumerable<int> EventIds => Entries.Select(e => e.Id.Id);

    private sealed class Logger<T>(ListLogger owner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((eventId, logLevel, formatter(state, exception) + " " + exception));
    }
}
