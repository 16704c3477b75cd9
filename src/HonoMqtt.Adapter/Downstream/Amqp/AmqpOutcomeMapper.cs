using Amqp;
using Amqp.Framing;
using HonoMqtt.Adapter.Protocol;

namespace HonoMqtt.Adapter.Downstream.Amqp;

/// <summary>
/// Maps AMQP dispositions and attach errors to Hono's status codes (spec downstream-amqp.md §3.1,
/// Hono's <c>StatusCodeMapper.fromTransferError</c> / <c>fromAttachError</c> + <c>toServerError</c>).
/// </summary>
internal static class AmqpOutcomeMapper
{
    /// <summary>
    /// Maps the outcome the library reports for a delivery. <paramref name="linkClosing"/> tells apart a real
    /// disposition from the library's own "release all pending deliveries" when a link or connection ends
    /// (it reports those as <c>released</c>, or as <c>rejected</c> carrying the close error).
    /// </summary>
    public static SendOutcome FromOutcome(Outcome? outcome, bool linkClosing) => outcome switch
    {
        Accepted => SendOutcome.Accepted,
        _ when linkClosing => SendOutcome.Failed(HonoError.TemporarilyUnavailable),
        Rejected rejected => SendOutcome.Failed(FromRejected(rejected.Error)),
        Released => SendOutcome.Failed(HonoError.NotProcessed),
        Modified { UndeliverableHere: true } => SendOutcome.Failed(HonoError.Undeliverable),
        Modified => SendOutcome.Failed(HonoError.NotProcessed),

        // No terminal outcome (e.g. a bare "received" state or a transactional state): not what Hono's
        // network sends; Hono answers 500 for a disposition it cannot interpret.
        _ => SendOutcome.Failed(HonoError.InternalError),
    };

    /// <summary><c>rejected</c>: by error condition; "rejected" without an error is a 400 like any unknown condition.</summary>
    public static HonoError FromRejected(Error? error)
    {
        string? condition = error?.Condition;
        var description = string.IsNullOrEmpty(error?.Description) ? null : error.Description;
        return condition switch
        {
            ErrorCode.ResourceLimitExceeded => HonoError.ResourceLimitExceeded,
            ErrorCode.UnauthorizedAccess => new HonoError(403, description ?? "Forbidden"),
            ErrorCode.InternalError => new HonoError(500, description ?? HonoError.InternalError.Message),
            _ => HonoError.BadRequest(description ?? "Bad Request"),
        };
    }

    /// <summary>
    /// A refused or failed attach: <c>amqp:internal-error</c> stays a 500; everything else (Hono maps it to a
    /// 4xx first) becomes 503, as does a missing terminus or a link closed without an error.
    /// </summary>
    public static HonoError FromAttachError(Error? error)
    {
        string? condition = error?.Condition;
        return condition == ErrorCode.InternalError ? HonoError.InternalError : HonoError.TemporarilyUnavailable;
    }
}
