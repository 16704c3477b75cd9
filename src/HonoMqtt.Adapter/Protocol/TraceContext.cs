using System.Diagnostics;
using System.Text.RegularExpressions;
using Amqp.Types;

namespace HonoMqtt.Adapter.Protocol;

/// <summary>
/// W3C trace context on downstream messages, in Hono's legacy format: message annotation <c>x-opt-trace-context</c>,
/// a map with symbol keys <c>traceparent</c> (and <c>tracestate</c>) [Hono AmqpUtils, spec downstream-amqp.md §9].
/// A device may pass its own context in the property bag; the adapter then continues that trace.
/// </summary>
public static partial class TraceContext
{
    public static readonly Symbol Annotation = new("x-opt-trace-context");
    private static readonly Symbol TraceParentKey = new("traceparent");
    private static readonly Symbol TraceStateKey = new("tracestate");

    /// <summary>A new span: child of <paramref name="parent"/> when it is a valid <c>traceparent</c>, else the root of a new trace.</summary>
    public static Map Create(string? parent, string? traceState)
    {
        var spanId = ActivitySpanId.CreateRandom().ToHexString();
        string traceParent;
        if (parent is not null && TraceParent().Match(parent) is { Success: true } match && match.Groups[1].Value != new string('0', 32))
        {
            traceParent = $"00-{match.Groups[1].Value}-{spanId}-{match.Groups[2].Value}";
        }
        else
        {
            traceParent = $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{spanId}-01";
            traceState = null;
        }

        var map = new Map { [TraceParentKey] = traceParent };
        if (!string.IsNullOrEmpty(traceState))
        {
            map[TraceStateKey] = traceState;
        }

        return map;
    }

    [GeneratedRegex("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$")]
    private static partial Regex TraceParent();
}
