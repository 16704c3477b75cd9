using HonoMqtt.Adapter.Protocol;
using HonoMqtt.Adapter.Registry;

namespace HonoMqtt.Adapter.Diagnostics;

/// <summary>
/// The adapter's meters, with Hono's names and tags [MicrometerBasedMetrics, api/Metrics.md]. Every method is cheap,
/// thread-safe and never throws, so that handlers can call it on their hot path.
/// </summary>
public interface IAdapterMetrics
{
    /// <summary><c>hono.connections.authenticated</c> +1 (and the tenant's connection duration starts counting).</summary>
    void IncrementConnections(string tenantId);

    void DecrementConnections(string tenantId);

    /// <summary><c>hono.connections.unauthenticated</c> +1 (authentication disabled).</summary>
    void IncrementUnauthenticatedConnections();

    void DecrementUnauthenticatedConnections();

    /// <summary><c>hono.connections.attempts</c>: once per CONNECT; tenant and cipher suite null when not known.</summary>
    void ReportConnectionAttempt(ConnectionAttemptOutcome outcome, string? tenantId, string? cipherSuite);

    /// <summary>
    /// <c>hono.telemetry.payload</c> and <c>hono.telemetry.processing.duration</c> for one telemetry message or event,
    /// after processing. The payload size is rounded per the tenant's <c>minimum-message-size</c> (if the tenant is known).
    /// </summary>
    void ReportTelemetry(HonoEndpoint type, string tenantId, TenantInfo? tenant, ProcessingOutcome outcome, int qos, long payloadSize,
        TimeSpan processingDuration);

    /// <summary>
    /// <c>hono.command.payload</c> and <c>hono.command.processing.duration</c> for one command (<c>one-way</c> or
    /// <c>request</c>, reported when the device has it or it failed) or command response (<c>response</c>).
    /// </summary>
    void ReportCommand(CommandDirection direction, string tenantId, TenantInfo? tenant, ProcessingOutcome outcome, long payloadSize,
        TimeSpan processingDuration);

    /// <summary><c>hono.amqp.nocredit</c>: a send to Hono <paramref name="address"/> found no credit (no consumer).</summary>
    void ReportAmqpNoCredit(string address);

    /// <summary><c>hono.amqp.timeout</c>: no disposition for a send to <paramref name="address"/> within <c>sendMessageTimeout</c>.</summary>
    void ReportAmqpTimeout(string address);
}
