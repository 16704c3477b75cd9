using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// Hono's meters kept in memory and written in Prometheus' text format on each scrape of <c>/prometheus</c>.
/// Names, types and tags follow Hono's code [MicrometerBasedMetrics]; every sample also carries the common tags
/// <c>host</c>, <c>component-type</c> and <c>component-name</c> (as <c>component_type</c>, <c>component_name</c>).
/// </summary>
public sealed class PrometheusMetrics : IAdapterMetrics
{
    public const string ComponentName = "hono-mqtt";

    private readonly TimeProvider _timeProvider;
    private readonly (string Name, string Value)[] _common;
    private readonly ConcurrentDictionary<string, ConnectionDurationTracker> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SummaryCell> _connectionDurations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(ConnectionAttemptOutcome Outcome, string Tenant, string CipherSuite), StrongBox<long>> _attempts = new();
    private readonly ConcurrentDictionary<(HonoEndpoint Type, string Tenant, ProcessingOutcome Status, int Qos), MessageCells> _telemetry = new();
    private readonly ConcurrentDictionary<(CommandDirection Direction, string Tenant, ProcessingOutcome Status), MessageCells> _commands = new();
    private readonly ConcurrentDictionary<(string Type, string Tenant), StrongBox<long>> _noCredit = new();
    private readonly ConcurrentDictionary<(string Type, string Tenant), StrongBox<long>> _timeouts = new();
    private long _unauthenticated;

    public PrometheusMetrics(TimeProvider timeProvider, string? host = null)
    {
        _timeProvider = timeProvider;
        _common = [("host", host ?? Environment.MachineName), ("component-type", "adapter"), ("component-name", ComponentName)];
    }

    public void IncrementConnections(string tenantId) => Tracker(tenantId).Add(1);

    public void DecrementConnections(string tenantId) => Tracker(tenantId).Add(-1);

    public void IncrementUnauthenticatedConnections() => Interlocked.Increment(ref _unauthenticated);

    public void DecrementUnauthenticatedConnections() => Interlocked.Decrement(ref _unauthenticated);

    public void ReportConnectionAttempt(ConnectionAttemptOutcome outcome, string? tenantId, string? cipherSuite) =>
        Increment(_attempts, (outcome, tenantId ?? MetricsTags.Unknown, cipherSuite ?? MetricsTags.Unknown));

    public void ReportTelemetry(HonoEndpoint type, string tenantId, TenantInfo? tenant, ProcessingOutcome outcome, int qos, long payloadSize,
        TimeSpan processingDuration)
    {
        var cells = _telemetry.GetOrAdd((type, tenantId, outcome, qos is 0 or 1 ? qos : -1), _ => new MessageCells(_timeProvider));
        cells.Record(MetricsTags.AccountedPayloadSize(payloadSize, tenant?.MinimumMessageSize ?? 0), processingDuration);
    }

    public void ReportCommand(CommandDirection direction, string tenantId, TenantInfo? tenant, ProcessingOutcome outcome, long payloadSize,
        TimeSpan processingDuration)
    {
        var cells = _commands.GetOrAdd((direction, tenantId, outcome), _ => new MessageCells(_timeProvider));
        cells.Record(MetricsTags.AccountedPayloadSize(payloadSize, tenant?.MinimumMessageSize ?? 0), processingDuration);
    }

    public void ReportAmqpNoCredit(string address) => Increment(_noCredit, MetricsTags.AddressTags(address));

    public void ReportAmqpTimeout(string address) => Increment(_timeouts, MetricsTags.AddressTags(address));

    /// <summary>Records each tenant's connected time since the last call (every 10 s, as Hono does).</summary>
    public void RecordConnectionDurations()
    {
        foreach (var (tenant, tracker) in _connections)
        {
            if (tracker.TakeAccumulated() is { } duration)
            {
                _connectionDurations.GetOrAdd(tenant, _ => new SummaryCell(_timeProvider)).Record(duration.TotalSeconds);
            }
        }
    }

    /// <summary>Writes every meter, then the .NET runtime's, in the text exposition format.</summary>
    public void WriteTo(StringBuilder output)
    {
        PrometheusText.Header(output, "hono_connections_authenticated", "gauge", "Authenticated device connections per tenant");
        foreach (var (tenant, tracker) in _connections)
        {
            PrometheusText.Sample(output, "hono_connections_authenticated", Labels(("tenant", tenant)), tracker.Connections);
        }

        PrometheusText.Header(output, "hono_connections_unauthenticated", "gauge", "Unauthenticated device connections");
        PrometheusText.Sample(output, "hono_connections_unauthenticated", _common, Interlocked.Read(ref _unauthenticated));

        WriteSummary(output, "hono_connections_authenticated_duration_seconds", "Connected time of the tenant's authenticated connections",
            _connectionDurations.Select(e => (Labels(("tenant", e.Key)), e.Value)));

        WriteCounter(output, "hono_connections_attempts_total", "Connection attempts by outcome",
            _attempts.Select(e => (Labels(("outcome", e.Key.Outcome.ToTag()), ("tenant", e.Key.Tenant), ("cipher-suite", e.Key.CipherSuite)), e.Value)));

        var telemetry = _telemetry.Select(e => (Labels(
            ("type", e.Key.Type.ToTypeTag()), ("tenant", e.Key.Tenant), ("status", e.Key.Status.ToTag()),
            ("qos", MetricsTags.QosTag(e.Key.Qos)), ("ttd", MetricsTags.TtdNone)), e.Value)).ToList();
        WriteSummary(output, "hono_telemetry_payload_bytes", "Payload size of telemetry messages and events (per minimum-message-size)",
            telemetry.Select(t => (t.Item1, t.Value.Payload)));
        WriteSummary(output, "hono_telemetry_processing_duration_seconds", "Processing time of telemetry messages and events",
            telemetry.Select(t => (t.Item1, t.Value.Duration)));

        var commands = _commands.Select(e => (Labels(
            ("direction", e.Key.Direction.ToTag()), ("tenant", e.Key.Tenant), ("status", e.Key.Status.ToTag())), e.Value)).ToList();
        WriteSummary(output, "hono_command_payload_bytes", "Payload size of commands and command responses (per minimum-message-size)",
            commands.Select(c => (c.Item1, c.Value.Payload)));
        WriteSummary(output, "hono_command_processing_duration_seconds", "Processing time of commands and command responses",
            commands.Select(c => (c.Item1, c.Value.Duration)));

        WriteCounter(output, "hono_amqp_nocredit_total", "Messages not sent downstream for lack of credit",
            _noCredit.Select(e => (Labels(("type", e.Key.Type), ("tenant", e.Key.Tenant)), e.Value)));
        WriteCounter(output, "hono_amqp_timeout_total", "Messages sent downstream without a disposition in time",
            _timeouts.Select(e => (Labels(("type", e.Key.Type), ("tenant", e.Key.Tenant)), e.Value)));

        RuntimeMetrics.WriteTo(output, _common);
    }

    private static void Increment<TKey>(ConcurrentDictionary<TKey, StrongBox<long>> counters, TKey key)
        where TKey : notnull =>
        Interlocked.Increment(ref counters.GetOrAdd(key, _ => new StrongBox<long>()).Value);

    private static void WriteCounter(StringBuilder output, string name, string help, IEnumerable<((string, string)[] Labels, StrongBox<long> Value)> samples)
    {
        var list = samples.ToList();
        if (list.Count == 0)
        {
            return;
        }

        PrometheusText.Header(output, name, "counter", help);
        foreach (var (labels, value) in list)
        {
            PrometheusText.Sample(output, name, labels, Interlocked.Read(ref value.Value));
        }
    }

    /// <summary>A Micrometer timer or distribution summary: a summary with <c>_count</c> and <c>_sum</c>, and a <c>_max</c> gauge.</summary>
    private static void WriteSummary(StringBuilder output, string name, string help, IEnumerable<((string, string)[] Labels, SummaryCell Cell)> samples)
    {
        var list = samples.Select(s => (s.Labels, Value: s.Cell.Read())).ToList();
        if (list.Count == 0)
        {
            return;
        }

        PrometheusText.Header(output, name, "summary", help);
        foreach (var (labels, value) in list)
        {
            PrometheusText.Sample(output, name + "_count", labels, value.Count);
            PrometheusText.Sample(output, name + "_sum", labels, value.Sum);
        }

        PrometheusText.Header(output, name + "_max", "gauge", help + " (largest of the last minutes)");
        foreach (var (labels, value) in list)
        {
            PrometheusText.Sample(output, name + "_max", labels, value.Max);
        }
    }

    private ConnectionDurationTracker Tracker(string tenantId) =>
        _connections.GetOrAdd(tenantId, _ => new ConnectionDurationTracker(_timeProvider));

    private (string, string)[] Labels(params (string Name, string Value)[] labels) => [.. _common, .. labels];

    /// <summary>The payload summary and the processing timer of one tag combination.</summary>
    private sealed class MessageCells(TimeProvider timeProvider)
    {
        public SummaryCell Payload { get; } = new(timeProvider);

        public SummaryCell Duration { get; } = new(timeProvider);

        public void Record(long payloadSize, TimeSpan duration)
        {
            Payload.Record(payloadSize);
            Duration.Record(duration.TotalSeconds);
        }
    }
}
