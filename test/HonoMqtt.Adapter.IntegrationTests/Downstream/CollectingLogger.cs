using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.IntegrationTests.Downstream;

/// <summary>Keeps log lines in memory (dumped when a test fails, and available for assertions).</summary>
public sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Line)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, string Line)> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} [{logLevel}] {formatter(state, exception)}";
        _lines.Enqueue((logLevel, exception is null ? line : $"{line}{Environment.NewLine}{exception}"));
    }
}
