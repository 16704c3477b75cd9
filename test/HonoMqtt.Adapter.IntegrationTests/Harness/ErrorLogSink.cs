using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace HonoMqtt.Adapter.IntegrationTests.Harness;

/// <summary>Collects Error and Fatal log events of an adapter under test: any of them fails the test.</summary>
public sealed class ErrorLogSink : ILogEventSink
{
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<string> Errors => _errors;

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level >= LogEventLevel.Error)
        {
            _errors.Enqueue($"{logEvent.RenderMessage()} {logEvent.Exception}");
        }
    }
}
