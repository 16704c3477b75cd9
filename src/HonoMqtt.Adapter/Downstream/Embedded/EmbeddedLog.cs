using Microsoft.Extensions.Logging;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>Log messages of the embedded AMQP endpoint.</summary>
internal static partial class EmbeddedLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded AMQP endpoint listening on {BindAddress}:{Port} (SASL {Mechanism})")]
    public static partial void Listening(this ILogger logger, string bindAddress, int port, string mechanism);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Port {Port} was taken between probing and binding, retrying (attempt {Attempt})")]
    public static partial void PortTaken(this ILogger logger, int port, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded AMQP endpoint stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "AMQPNetLite's ListenerLink.credit cannot be read; sends racing with duplicate flow frames may exceed a consumer's credit")]
    public static partial void CreditFieldMissing(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer attached: link '{LinkName}' on '{Address}' (pre-settled: {PreSettled})")]
    public static partial void ConsumerAttached(this ILogger logger, string linkName, string address, bool preSettled);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer detached: link '{LinkName}' on '{Address}' ({Error}); {Pending} unsettled deliveries failed")]
    public static partial void ConsumerDetached(this ILogger logger, string linkName, string address, string error, int pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused attach of link '{LinkName}': {Condition} {Description}")]
    public static partial void AttachRefused(this ILogger logger, string linkName, string condition, string description);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Consumer on '{Address}' did not settle a delivery within {Timeout}; settled it locally as released")]
    public static partial void DeliveryTimedOut(this ILogger logger, string address, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transfer to link '{LinkName}' on '{Address}' failed: {Reason}")]
    public static partial void TransferFailed(this ILogger logger, string linkName, string address, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Drain on link '{LinkName}' not completed: the library's credit {LibraryCredit} differs from ours {Credit}")]
    public static partial void DrainSkipped(this ILogger logger, string linkName, uint libraryCredit, int credit);
}
