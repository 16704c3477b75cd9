using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Downstream.Embedded;

/// <summary>Maps a consumer's disposition to Hono's result (Hono's <c>ErrorConverter.fromTransferError</c>).</summary>
internal static class DeliveryOutcomes
{
    /// <summary>
    /// The result for a terminal outcome; null for a non-terminal state (e.g. <c>received</c>), which does not
    /// complete the send.
    /// </summary>
    public static SendOutcome? FromState(DeliveryState? state) => state switch
    {
        Accepted => SendOutcome.Accepted,
        Rejected rejected => SendOutcome.Failed(FromRejected(rejected.Error)),
        Released => SendOutcome.Failed(HonoError.NotProcessed),
        Modified { UndeliverableHere: true } => SendOutcome.Failed(HonoError.Undeliverable),
        Modified => SendOutcome.Failed(HonoError.NotProcessed),
        _ => null,
    };

    private static HonoError FromRejected(Error? error)
    {
        var description = string.IsNullOrEmpty(error?.Description) ? null : error.Description;
        return (string?)error?.Condition switch
        {
            ErrorCode.ResourceLimitExceeded => HonoError.ResourceLimitExceeded,
            ErrorCode.UnauthorizedAccess => new HonoError(403, description ?? "consumer rejected the message: unauthorized access"),
            ErrorCode.InternalError => new HonoError(500, description ?? HonoError.InternalError.Message),
            _ => HonoError.BadRequest(description ?? "consumer rejected the message"),
        };
    }
}
