using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>Source-generated log messages of <see cref="AmqpMessagingClient"/> and its link/connection helpers.</summary>
internal static partial class AmqpMessagingLog
{
    // Connection life cycle.
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information,
        Message = "Connecting to AMQP network {Host}:{Port} as container {ContainerId} (SASL {Mechanism})")]
    public static partial void Connecting(this ILogger logger, string host, int port, string containerId, string mechanism);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Connected to AMQP network {Host}:{Port}")]
    public static partial void Connected(this ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Connecting to AMQP network {Host}:{Port} failed: {Reason}")]
    public static partial void ConnectFailed(this ILogger logger, string host, int port, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Connecting to AMQP network {Host}:{Port} timed out after {TimeoutMs} ms")]
    public static partial void ConnectTimedOut(this ILogger logger, string host, int port, int timeoutMs);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information,
        Message = "Reconnecting to AMQP network in {DelayMs} ms (failed attempts so far: {Attempt})")]
    public static partial void ReconnectScheduled(this ILogger logger, long delayMs, int attempt);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning,
        Message = "Connection to AMQP network {Host}:{Port} lost ({Condition}: {Description}); sends fail with 503 until reconnected")]
    public static partial void ConnectionLost(this ILogger logger, string host, int port, string? condition, string? description);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Closed the connection to AMQP network {Host}:{Port}")]
    public static partial void ConnectionClosed(this ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning,
        Message = "The AMQP network did not confirm closing the connection within {TimeoutMs} ms; abandoning it")]
    public static partial void CloseTimedOut(this ILogger logger, int timeoutMs);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "The AMQP connection loop failed unexpectedly; retrying")]
    public static partial void OwnerLoopFailed(this ILogger logger, Exception exception);

    // Sender links.
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Sender link {LinkName} to {Target} attached")]
    public static partial void LinkAttached(this ILogger logger, string linkName, string target);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Sender link to {Target} could not be attached ({Condition}: {Description})")]
    public static partial void LinkRefused(this ILogger logger, string target, string? condition, string? description);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Sender link to {Target} was not attached within {TimeoutMs} ms")]
    public static partial void LinkAttachTimedOut(this ILogger logger, string target, int timeoutMs);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Sender link to {Target} closed ({Condition}: {Description}); it is re-attached on next use")]
    public static partial void LinkClosed(this ILogger logger, string target, string? condition, string? description);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning,
        Message = "Sender link to {Target} has {MaxInFlight} messages without outcome (no credit or slow consumer); failing sends with 503 'no consumer available'")]
    public static partial void LinkFull(this ILogger logger, string target, int maxInFlight);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Sender link to {Target} accepts messages again")]
    public static partial void LinkRecovered(this ILogger logger, string target);

    // Single messages. Failures handed back to the caller as values are its business to report: Debug here.
    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Message to {Target} not delivered: {Error}")]
    public static partial void SendFailed(this ILogger logger, string target, string error);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug,
        Message = "Message to {Target} sent without waiting (QoS 0) was not accepted: {Error}")]
    public static partial void UnwaitedSendFailed(this ILogger logger, string target, string error);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Sending a message to {Target} failed unexpectedly")]
    public static partial void SendBug(this ILogger logger, string target, Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Not connected to the AMQP network; message to {Address} not sent")]
    public static partial void NotConnected(this ILogger logger, string address);
}
