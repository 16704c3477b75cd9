using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Commands;

/// <summary>Log messages of command &amp; control (event ids 1400–1499).</summary>
internal static partial class CommandLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Subscription '{Filter}' (QoS {Qos}) of {Session} refused: {Reason}")]
    public static partial void SubscriptionRefused(this ILogger logger, string filter, int qos, string session, string reason);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Command subscription '{Filter}' (QoS {Qos}) of {Session} for {Key}")]
    public static partial void Subscribed(this ILogger logger, string filter, int qos, string session, string key);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Command subscription '{Filter}' of {Session} removed ({Reason})")]
    public static partial void Unsubscribed(this ILogger logger, string filter, string session, string reason);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Notification ttd={Ttd} for device {DeviceId} of tenant {TenantId} not delivered: {Outcome}")]
    public static partial void TtdNotSent(this ILogger logger, int ttd, string tenantId, string deviceId, string outcome);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "Command rejected: {Condition} {Description}")]
    public static partial void CommandRejected(this ILogger logger, string condition, string description);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Debug, Message = "{Command} released: {Reason}")]
    public static partial void CommandReleased(this ILogger logger, string command, string reason);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Debug, Message = "{Command} published to {Session} on '{Topic}' (QoS {Qos})")]
    public static partial void CommandPublished(this ILogger logger, string command, string session, string topic, int qos);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Information, Message = "{Command}: did not receive PUBACK from {Session} within {Timeout} ms, released")]
    public static partial void PubAckTimedOut(this ILogger logger, string command, string session, int timeout);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Error, Message = "Unexpected failure while handling a command")]
    public static partial void CommandFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Information, Message = "Command response from {Session} failed: {Status} {Reason}")]
    public static partial void ResponseFailed(this ILogger logger, string session, int status, string reason);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Command sender attached: link '{LinkName}' on '{Address}'")]
    public static partial void CommandLinkAttached(this ILogger logger, string linkName, string address);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "Command link '{LinkName}' on '{Address}' closed ({Error})")]
    public static partial void CommandLinkClosed(this ILogger logger, string linkName, string address, string error);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Error, Message = "Unexpected failure in command & control background work")]
    public static partial void BackgroundFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Debug, Message = "{Command} forwarded to '{Address}': {Outcome}")]
    public static partial void CommandForwarded(this ILogger logger, string command, string address, string outcome);

    [LoggerMessage(EventId = 1414, Level = LogLevel.Information, Message = "Command network: connecting to {Host}:{Port}")]
    public static partial void Connecting(this ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1415, Level = LogLevel.Information, Message = "Command network: connected to {Host}:{Port}")]
    public static partial void Connected(this ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1416, Level = LogLevel.Warning, Message = "Command network: connection to {Host}:{Port} failed or lost: {Reason}")]
    public static partial void ConnectionLost(this ILogger logger, string host, int port, string reason);

    [LoggerMessage(EventId = 1417, Level = LogLevel.Information, Message = "Command receiver on '{Address}' attached")]
    public static partial void ReceiverAttached(this ILogger logger, string address);

    [LoggerMessage(EventId = 1418, Level = LogLevel.Warning, Message = "Command receiver on '{Address}' failed: {Reason}")]
    public static partial void ReceiverFailed(this ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 1419, Level = LogLevel.Information, Message = "Command receiver on '{Address}' closed")]
    public static partial void ReceiverClosed(this ILogger logger, string address);
}
